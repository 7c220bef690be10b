//go:build cgo

package xla

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	goxla "github.com/gomlx/go-xla/compute/xla"
)

// Linked reports whether XLA is linked into this program (it needs cgo).
const Linked = true

// errNoPlugin says where d2l looked for a PJRT plugin.
var errNoPlugin = errors.New("no PJRT plugin installed (install one in ~/.local/lib/go-xla or set PJRT_PLUGIN_LIBRARY_PATH; see README)")

// disableAutoInstall makes go-xla never download plugins behind the user's back: a missing
// plugin means "use another backend".
func disableAutoInstall() { goxla.EnableAutoInstall(false) }

// Plugins lists the PJRT plugins found on this machine (e.g. ["cpu"] or ["cuda", "cpu"]),
// without downloading anything.
func Plugins() []string { return slices.Clone(goxla.GetAvailablePlugins()) }

// prepare runs before GOMLX_BACKEND=xla opens the backend: it fails unless a plugin is installed.
func prepare() error {
	if len(goxla.GetAvailablePlugins()) == 0 {
		return errNoPlugin
	}
	return nil
}

// open opens XLA on CUDA if a CUDA plugin (and GPU) is present, else on CPU.
func open() (compute.Backend, string, error) {
	plugins := goxla.GetAvailablePlugins()
	if len(plugins) == 0 {
		return nil, "", errNoPlugin
	}
	var errs []string
	for _, want := range []string{"cuda", "cpu"} {
		for _, p := range plugins {
			if p != want && !strings.HasPrefix(p, want+"_v") {
				continue
			}
			b, err := newXLA(p)
			if err == nil {
				return b, fmt.Sprintf("XLA (%s)", p), nil
			}
			errs = append(errs, fmt.Sprintf("%s: %s", p, strings.ReplaceAll(err.Error(), "\n", " ")))
		}
	}
	if len(errs) == 0 {
		return nil, "", fmt.Errorf("no cuda or cpu PJRT plugin among %q", plugins)
	}
	return nil, "", errors.New(strings.Join(errs, "; "))
}

// newXLA opens one plugin, turning panics into errors.
func newXLA(plugin string) (b compute.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return goxla.New(plugin)
}

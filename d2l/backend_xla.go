//go:build xla

package d2l

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/go-xla/compute/xla"
)

// This file is compiled with -tags xla: it links XLA (go-xla, PJRT) and offers it to Backend.

func init() {
	// Never download plugins behind the user's back: a missing plugin means "use another backend".
	xla.EnableAutoInstall(false)
	registerCandidate(candidate{name: "xla", priority: 10, open: openXLA, prepare: func() error {
		if len(xla.GetAvailablePlugins()) == 0 {
			return errors.New("no PJRT plugin installed (set PJRT_PLUGIN_LIBRARY_PATH or install one in ~/.local/lib/go-xla)")
		}
		return nil
	}})
}

// xlaLinked reports whether this binary was built with XLA.
const xlaLinked = true

// XLAPlugins lists the PJRT plugins found on this machine (e.g. ["cpu"] or ["cuda", "cpu"]),
// without downloading anything. Only in binaries built with -tags xla.
func XLAPlugins() []string {
	return slices.Clone(xla.GetAvailablePlugins())
}

// openXLA opens XLA on CUDA if a CUDA plugin (and GPU) is present, else on CPU.
func openXLA() (compute.Backend, string, error) {
	plugins := xla.GetAvailablePlugins()
	if len(plugins) == 0 {
		return nil, "", errors.New("no PJRT plugin installed (PJRT_PLUGIN_LIBRARY_PATH, ~/.local/lib/go-xla, /usr/local/lib/go-xla)")
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
			errs = append(errs, fmt.Sprintf("%s: %s", p, oneLine(err.Error())))
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
	return xla.New(plugin)
}

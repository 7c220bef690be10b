// Package onnxrt offers ONNX Runtime to d2l's backend chooser. Import it for its side effect:
//
//	import _ "github.com/d2l-go/d2l-go/backends/onnxrt"
//
// Then d2l.Backend runs ONNX Runtime (on the CPU) when no XLA candidate runs, GOMLX_BACKEND is
// unset, libonnxruntime.so.1 is installed (`go run ./cmd/d2l setup` puts the official build that
// npm's onnxruntime-node ships into ~/.local/share/d2l-go/onnxruntime; ONNXRUNTIME_SHARED_LIBRARY_PATH
// names another one) and the backend passes d2l.SelfTest; otherwise d2l falls back to pure Go and
// its one-line notice says why. GOMLX_BACKEND=onnx selects it explicitly.
//
// Linking ONNX Runtime needs cgo (a C compiler): in a program built without cgo the package
// still compiles, and the notice says that ONNX Runtime is not linked. Nothing is ever downloaded:
// importing the package points GoMLX's ONNX Runtime backend (github.com/gomlx/compute-onnx), which
// would otherwise fetch a library from GitHub, at the installed library.
//
// cmd/d2l (d2l train, grading) and the 6.6 LeNet notebook import it; notebooks 6.1-6.5 do not,
// because a cgo program takes seconds longer to link in every GoNB cell.
package onnxrt

import (
	"fmt"
	"os"
	"strings"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/d2l-go/d2l-go/internal/ortlib"
	"github.com/gomlx/compute"
)

// Name is the GOMLX_BACKEND name of the backend this package registers ("onnxruntime" works too).
const Name = "onnx"

func init() {
	if os.Getenv(ortlib.EnvPath) == "" {
		ortlib.Configure() // compute-onnx must load the installed library, never download one
	}
	d2l.RegisterBackend(d2l.BackendCandidate{
		Name:     Name,
		Aliases:  []string{"onnxruntime"},
		Priority: 20,
		Open:     open, // register_cgo.go or register_nocgo.go
		Prepare:  prepare,
	})
}

// Library returns the path of the libonnxruntime.so.1 that d2l loads: the value of
// ONNXRUNTIME_SHARED_LIBRARY_PATH if set, else the per-user copy that `d2l setup` installs
// ($XDG_DATA_HOME/d2l-go/onnxruntime/libonnxruntime.so.1, by default under ~/.local/share),
// or an error saying that there is none.
func Library() (string, error) {
	env := ortlib.EnvPath
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %v", env, p, err)
		}
		return p, nil
	}
	dir, err := ortlib.Dir()
	if err != nil {
		return "", fmt.Errorf("%s not found (%s unset, no home directory)", ortlib.LibName, env)
	}
	p := ortlib.Configure()
	if p == "" {
		return "", fmt.Errorf("%s not found (%s unset, nothing in %s; `d2l setup` installs it)", ortlib.LibName, env, dir)
	}
	return p, nil
}

// New opens ONNX Runtime on the CPU with the installed library, as d2l.Backend does before
// its self-test, or returns why it cannot (no library, or a program built without cgo). Each call
// opens a new backend instance; tensors cannot move between instances.
func New() (compute.Backend, error) {
	b, _, err := open()
	return b, err
}

// HomeRelative writes a path under the user's home folder as ~/..., as the backend
// notice shows the library: notebooks keep the notice in their output, and a path with
// one machine's user name does not belong there.
func HomeRelative(path string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return path
	}
	if rel, ok := strings.CutPrefix(path, home+string(os.PathSeparator)); ok {
		return "~" + string(os.PathSeparator) + rel
	}
	return path
}

// Package xla offers XLA (GoMLX's go-xla backend, through a PJRT plugin) to d2l's backend
// chooser. Import it for its side effect:
//
//	import _ "github.com/d2l-go/d2l-go/backends/xla"
//
// Then d2l.Backend runs XLA — on CUDA if a CUDA plugin and a GPU are present, else on the CPU —
// when GOMLX_BACKEND is unset, a PJRT plugin is installed and XLA passes d2l.SelfTest; it is
// tried before ONNX Runtime. Nothing is downloaded: install a plugin with
// `go run github.com/gomlx/go-xla/cmd/pjrt_installer@v0.4.0` or point PJRT_PLUGIN_LIBRARY_PATH at
// one. GOMLX_BACKEND=xla:cpu or xla:cuda selects it explicitly.
//
// Linking XLA needs cgo (a C compiler): in a program built without cgo the package still
// compiles, and d2l's notice says that XLA is not linked.
package xla

import "github.com/d2l-go/d2l-go/d2l"

// Name is the GOMLX_BACKEND name of the backend this package registers.
const Name = "xla"

func init() {
	disableAutoInstall()
	d2l.RegisterBackend(d2l.BackendCandidate{
		Name:     Name,
		Priority: 10,
		Open:     open, // register_cgo.go or register_nocgo.go
		Prepare:  prepare,
	})
}

package main

// d2l train (and every other command that computes) runs on the fastest backend d2l finds and
// trusts (d2l.SelfTest): XLA where a PJRT plugin is installed (CUDA, then CPU), else ONNX Runtime
// where libonnxruntime.so.1 is installed (`d2l setup` installs it), else pure Go, with d2l's
// one-line notice on stderr saying which and why. Linking both costs about 8 s once on a cold
// build cache and 2-3 s per relink (README, Performance); both need cgo, and without it the
// command still builds and runs pure Go.
import (
	_ "github.com/d2l-go/d2l-go/backends/onnxrt"
	_ "github.com/d2l-go/d2l-go/backends/xla"
)

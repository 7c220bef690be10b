// Package d2l is the helper library of "Dive into Deep Learning" (chapter 6, convolutional neural
// networks) for Go, built on GoMLX. It mirrors the book's d2l/torch calls so that a notebook cell
// reads like the book's:
//
//	X := d2l.Tensor([][]float32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}})
//	K := d2l.Tensor([][]float32{{0, 1}, {2, 3}})
//	d2l.Print(d2l.Corr2D(X, K))
//	// tensor([[19., 25.],
//	//         [37., 43.]])
//
// Everything is eager: functions take and return *tensors.Tensor (float32) and run GoMLX graphs
// that are compiled once per input shape and reused (the graph-level building blocks live in
// package cnn). Layouts follow PyTorch: images [n, c, h, w] (NCHW), kernels [c_out, c_in, kh, kw].
//
// Bad input never produces a bare runtime error: it panics with a *Error whose one-line message
// names the function, the argument, what was given and what was expected; Try turns such a panic
// into an error. Values print as PyTorch prints them (Print, Sprint, Format, Size).
//
// The compute backend is chosen once, lazily, by Backend: GOMLX_BACKEND if set, else the fastest
// registered backend that passes SelfTest, else GoMLX's pure-Go backend. This package links only
// the pure-Go backend (no cgo, so notebook cells build fast); a program offers faster ones by
// importing a registration package:
//
//	import _ "github.com/d2l-go/d2l-go/backends/onnxrt" // ONNX Runtime, where libonnxruntime.so.1 is installed
//	import _ "github.com/d2l-go/d2l-go/backends/xla"    // XLA, where a PJRT plugin is installed
//
// One line on stderr ("d2l: backend ...") says which backend runs and why the others did not.
package d2l

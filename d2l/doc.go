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
// into an error. Values print as PyTorch prints them (Print, Sprint, Format, Size). The compute
// backend is chosen once, lazily, by Backend.
package d2l

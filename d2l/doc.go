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
// (the graph-level building blocks live in package cnn). Layouts follow PyTorch: images
// [n, c, h, w] (NCHW), kernels [c_out, c_in, kh, kw].
//
// Eager means the result is what the code says now. Compiling is what costs, so compiled graphs
// are reused, but only under a key that fully determines the graph:
//   - the ops (Corr2D, Pool2D, the layers' Forward, ...) by op, configuration, input dtypes and
//     shapes, backend and cnn's settings (cnn.SetConvImpl takes effect at once);
//   - Eval and EvalN build the caller's graph on every call, so captured variables are read
//     now, and reuse a compiled graph only when the graph just built makes the same calls to
//     the backend with the same arguments (a structural key recorded while the graph is built,
//     covering every GoMLX operation: Sort's axis, If's branches, a slice's strides, constants'
//     values); a captured tensor of 32 or more elements is passed as an input of the compiled
//     graph, so a graph capturing a changing weight compiles once;
//   - Compile returns an Op compiled once per input shape, for loops that run one graph many
//     times (captured variables are read when a shape is first compiled);
//   - a Sequential rebuilds its graphs when its layers or their configuration change
//     (net.Layers[1] = d2l.NewReLU()); Forward, TrainBatch and EvaluateAccuracy use the layers
//     it holds now.
//
// All compiled graphs share one cache, bounded by count (256) and by an estimate of the memory
// they hold (1 GiB); the least recently used are evicted and freed (backend executables, e.g.
// ONNX Runtime sessions), so no number of shapes makes a call fail. Results are tensors in Go
// memory (the backend's buffers are freed as soon as their values are copied out): a result a
// program never frees costs what a freed one does, and the garbage collector sees all of it.
//
// Layers: Layer is the interface of a network's layers (nn.Module). The layers of this package
// implement it, and so can a program's own: Params, Check, Build and String, with Apply for
// the eager Forward. Sequential, TrainCh6, InitXavier and printing work for every Layer.
//
// Finite values: the graph ops, the layers, Sequential and TrainBatch reject NaN and ±Inf in
// their inputs (naming the argument and the first bad index), and TrainBatch refuses a step that
// would make a weight NaN or infinite, keeping the previous weights. The host helpers (Sum,
// AllClose, Add, Print, ...) compute with NaN and Inf as PyTorch does, so a network that
// diverged can be inspected.
//
// The package is safe for concurrent use: ops, Eval and Op from any goroutine, Forward,
// TrainBatch and EvaluateAccuracy on one network (they take turns), Print (see SetOutput);
// changing a network's layers while one of those runs is a data race. Importing d2l or cnn
// changes nothing outside them (no global GoMLX state).
//
// Bad input never produces a bare runtime error: every entry point checks nil, dtype and shape
// and panics with a *Error whose one-line message names the function, the argument, what was
// given and what was expected, before anything is changed (TrainBatch checks images and labels
// before touching the weights). Packages cnn and draw speak the same *Error. Try turns such a
// panic into an error and lets every other panic (a bug) through. Programs that prefer errors
// to panics use ReadFashionMNIST rather than LoadDataFashionMNIST, and Try around the rest.
// Values print as PyTorch prints them (Print, Sprint, Format, Size).
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

package cnn

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/d2l-go/d2l-go/internal/d2lerr"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors/images"
)

// ConvImpl names a way of computing Conv2D. All give the same values (within float32
// rounding) and are differentiable; they differ in speed per backend.
type ConvImpl string

const (
	// ConvAuto picks, per backend, the implementation measured fastest (see ImplFor).
	ConvAuto ConvImpl = ""
	// ConvConvolve uses graph.Convolve (the backend's ConvGeneral), with this package's gradient.
	ConvConvolve ConvImpl = "convolve"
	// ConvIm2Col stacks the kh*kw shifted windows (Slice + Concatenate) and does one DotGeneral.
	ConvIm2Col ConvImpl = "im2col"
	// ConvGather builds the im2col matrix with one Gather (gradient: one ScatterSum).
	ConvGather ConvImpl = "gather"
)

// EnvConvImpl is the environment variable that overrides the automatic choice
// ("convolve", "im2col" or "gather"), for benchmarks and debugging.
const EnvConvImpl = "D2L_CONV_IMPL"

var (
	implMu   sync.RWMutex
	implSet  ConvImpl // set by SetConvImpl; ConvAuto means "not set"
	implEnvO sync.Once
	implEnv  ConvImpl
)

// SetConvImpl forces the implementation Conv2D uses for graphs built from now on; ConvAuto
// restores the per-backend choice. It panics with a *d2l.Error on an unknown name.
func SetConvImpl(impl ConvImpl) {
	switch impl {
	case ConvAuto, ConvConvolve, ConvIm2Col, ConvGather:
	default:
		d2lerr.Fail("cnn.SetConvImpl", "impl", fmt.Sprintf("one of \"\", %q, %q, %q", ConvConvolve, ConvIm2Col, ConvGather), "%q", impl)
	}
	implMu.Lock()
	implSet = impl
	implMu.Unlock()
}

// ImplFor returns the implementation Conv2D uses on the named backend (compute.Backend.Name():
// "Go Backend" for the pure-Go backend, "onnxruntime", "xla", ...): SetConvImpl's choice if
// any, else $D2L_CONV_IMPL if valid, else the backend's speed preference (speedPrefs).
func ImplFor(backendName string) ConvImpl {
	implMu.RLock()
	impl := implSet
	implMu.RUnlock()
	if impl != ConvAuto {
		return impl
	}
	implEnvO.Do(func() {
		switch v := ConvImpl(strings.TrimSpace(os.Getenv(EnvConvImpl))); v {
		case ConvConvolve, ConvIm2Col, ConvGather:
			implEnv = v
		}
	})
	if implEnv != ConvAuto {
		return implEnv
	}
	return prefsFor(backendName).conv
}

// Speed preferences. Which of several equivalent formulations of an op runs fastest depends on
// a backend's kernels, which Capabilities() does not describe (it says what a backend can do,
// not how fast), so it is measured (bench/README.md) and written down here, per backend, in
// this one table; a backend missing from it gets the backend's own ops. What a backend can do
// is never decided by its name: Capabilities() and build probes decide it (interiorPad,
// nativeMaxPool).
type speed struct {
	// conv is Conv2D's formulation. On the pure-Go backend ConvGather: its ConvGeneral is a
	// generic per-element loop, and its Slice and most of its Transposes move one element at a
	// time, while its Gather and ScatterSum copy and add contiguous runs (LeNet's convolutions at
	// batch 256, forward and backward: ConvGather 2-4x less CPU than ConvIm2Col, which was
	// 10-30x faster than ConvConvolve). ONNX Runtime and XLA have fast native convolutions
	// (ConvConvolve, the default).
	conv ConvImpl
	// slicedMaxPool keeps MaxPool2D on strided slices where the backend has ReduceWindow and
	// SelectAndScatterMax but runs them slowly: the pure-Go backend's are generic per-element
	// loops (2x2 pooling of 256x6x28x28: 110 ms forward against 4 ms for the slices).
	slicedMaxPool bool
	// avgForward is AvgPool2DForward's formulation for windows that tile the input.
	avgForward avgForward
	// avgReshape makes AvgPool2D (with its gradient) a reshape and a sum over each window
	// (avgPoolReshape): on pure Go 2x less CPU than strided slices, forward and backward
	// (BenchmarkAvgPool).
	avgReshape bool
	// poolTwoReductions sums (avgPoolReshape) the windows that tile the input by two reductions
	// over contiguous axes (windowReduce), which the pure-Go backend runs as straight loops (2x2
	// pooling of 256x6x28x28, forward: 1.8 against 4.8 ms for one reduction over the two window
	// axes); ONNX Runtime runs the one reduction faster (forward and backward at batch 64: 0.27
	// against 0.55 ms).
	poolTwoReductions bool
}

// avgForward names a formulation of average pooling without gradient (AvgPool2DForward).
type avgForward int

const (
	avgGeneral avgForward = iota // AvgPool2D
	avgMatMul                    // two matrix products with 0/1 matrices (avgPoolMatMul)
)

// speedPrefs holds the measured preferences, by backend name (lower case).
var speedPrefs = map[string]speed{
	"go backend":  {conv: ConvGather, slicedMaxPool: true, avgForward: avgGeneral, avgReshape: true, poolTwoReductions: true}, // compute/gobackend
	"onnxruntime": {conv: ConvConvolve, avgForward: avgMatMul},                                                                // compute-onnx
}

// prefsFor returns the speed preferences of the named backend (defaults for unknown ones).
func prefsFor(backendName string) speed {
	if p, ok := speedPrefs[strings.ToLower(backendName)]; ok {
		return p
	}
	return speed{conv: ConvConvolve}
}

// conv2DFast returns the convolution computed by the implementation ImplFor chooses for x's
// backend, or nil when that is ConvConvolve (then Conv2D builds graph.Convolve itself). A non-nil
// b [c_out] is added where the implementation adds it before its final layout change
// (ConvGather: one bias per row of its [c_out, m] product, whose gradient is then a sum over
// contiguous rows); biasAdded reports whether it did.
func conv2DFast(x, w, b *graph.Node, cfg ConvConfig) (y *graph.Node, biasAdded bool) {
	switch ImplFor(x.Graph().Backend().Name()) {
	case ConvIm2Col:
		return Conv2DIm2Col(x, w, cfg), false
	case ConvGather:
		return conv2DGather(x, w, b, cfg), b != nil
	}
	return nil, false
}

// avgPoolFast returns AvgPool2D through avgPoolReshape where the speed preferences ask for it
// (pure Go), and on backends whose Slice gradient needs this package's Pad-free replacement
// (ONNX Runtime), where both run about equally fast; nil elsewhere and for overlapping or
// padded windows.
func avgPoolFast(x *graph.Node, cfg PoolConfig) *graph.Node {
	if !prefsFor(x.Graph().Backend().Name()).avgReshape && !padFreeSlices(x.Graph()) {
		return nil
	}
	return avgPoolReshape(x, cfg)
}

// maxPoolFast returns MaxPool2D as one ReduceWindow (GoMLX's graph.MaxPool) when the windows do
// not overlap (stride >= window on both axes, e.g. LeNet's and the book's 2x2 stride 2) on
// backends that implement ReduceWindow and its gradient's SelectAndScatterMax natively; nil
// otherwise. ONNX Runtime runs them as its MaxPool kernel (2x2 pooling of 256x6x28x28: 0.29 ms
// against 2 ms for strided slices, BenchmarkPoolForward and bench/README.md) and as MaxPool with
// indices plus ScatterElements. That scatter overwrites instead of adding where windows overlap
// (compute-onnx passes no reduction), so overlapping windows keep the strided slices, as do
// backends without SelectAndScatterMax. Both paths give PyTorch's values,
// send each window's gradient to its first maximum in row-major order (ties), and never let
// padding win.
func maxPoolFast(x *graph.Node, cfg PoolConfig) *graph.Node {
	sh, sw := cfg.strides()
	kh, kw := cfg.Kernel[0], cfg.Kernel[1]
	if sh < kh || sw < kw || !nativeMaxPool(x.Graph()) {
		return nil
	}
	ph, pw := cfg.Padding[0], cfg.Padding[1]
	return graph.MaxPool(x).ChannelsAxis(images.ChannelsFirst).
		WindowPerAxis(kh, kw).StridePerAxis(sh, sw).
		PaddingPerDim([][2]int{{ph, ph}, {pw, pw}}).Done()
}

// nativeMaxPool reports whether the backend of g runs max pooling and its gradient as native
// ops (ReduceWindow and SelectAndScatterMax) fast enough to use them (speed.slicedMaxPool),
// unless a test asked for the strided slices.
func nativeMaxPool(g *graph.Graph) bool {
	settingsMu.RLock()
	off := forceSlicedMaxPool
	settingsMu.RUnlock()
	return !off && !prefsFor(g.Backend().Name()).slicedMaxPool &&
		hasOp(g, compute.OpTypeReduceWindow) && hasOp(g, compute.OpTypeSelectAndScatterMax)
}

// SettingsKey describes every package setting that changes the graphs built for the named
// backend (the Conv2D implementation ImplFor picks, whether Slice gradients avoid Pad, and
// whether tests forced MaxPool2D to strided slices or Conv2DGather to one layout), e.g.
// "conv=gather,padfree=false,slicedmaxpool=false,gatherlayout=auto". Callers that cache compiled
// graphs add it to their cache key, so that SetConvImpl takes effect on graphs compiled before it
// too.
func SettingsKey(backendName string) string {
	settingsMu.RLock()
	defer settingsMu.RUnlock()
	return fmt.Sprintf("conv=%s,padfree=%v,slicedmaxpool=%v,gatherlayout=%s", ImplFor(backendName),
		forcePadFreeGrad, forceSlicedMaxPool, forceGatherLayout)
}

package cnn

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// benchBackend is the backend the benchmarks of this package run on: testBackend
// ($GOMLX_BACKEND if set, e.g. GOMLX_BACKEND=onnx go test -bench . ./cnn/, else pure Go).
var benchBackend = testBackend

// randTensor returns a float32 tensor of the given shape with values in [-1, 1).
func randTensor(r *rand.Rand, dims ...int) *tensors.Tensor {
	size := 1
	for _, d := range dims {
		size *= d
	}
	v := make([]float32, size)
	for i := range v {
		v[i] = 2*r.Float32() - 1
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

// convCase is one convolution shape of the benchmarks.
type convCase struct {
	name     string
	x, w     []int
	cfg      ConvConfig
	backward bool
}

var convCases = []convCase{
	{"lenet1", []int{64, 1, 28, 28}, []int{6, 1, 5, 5}, ConvConfig{Padding: [2]int{2, 2}}, false},
	{"lenet2", []int{64, 6, 14, 14}, []int{16, 6, 5, 5}, ConvConfig{}, false},
	{"lenet1_256", []int{256, 1, 28, 28}, []int{6, 1, 5, 5}, ConvConfig{Padding: [2]int{2, 2}}, false},
	{"lenet2_256", []int{256, 6, 14, 14}, []int{16, 6, 5, 5}, ConvConfig{}, false},
}

// benchConv runs conv (forward, or forward and the gradients of sum(y) w.r.t. x and w).
func benchConv(b *testing.B, conv func(x, w *graph.Node, cfg ConvConfig) *graph.Node, c convCase, backward bool) {
	r := rand.New(rand.NewPCG(1, 2))
	x, w := randTensor(r, c.x...), randTensor(r, c.w...)
	e := graph.MustNewExec(benchBackend(), func(x, w *graph.Node) []*graph.Node {
		y := conv(x, w, c.cfg)
		if !backward {
			return []*graph.Node{y}
		}
		return graph.Gradient(graph.ReduceAllSum(y), x, w)
	})
	for _, o := range e.MustExec(x, w) { // compile and warm up
		o.FinalizeAll()
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, o := range e.MustExec(x, w) {
			o.FinalizeAll()
		}
	}
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkConvVariants times the convolution formulations at LeNet's shapes (batch 64 and 256),
// forward and forward+backward (gradients of sum(y) w.r.t. x and w): the backend's own
// (Conv2D with ConvConvolve), Conv2DIm2Col, and Conv2DGather in the layout it picks and in each
// layout.
func BenchmarkConvVariants(b *testing.B) {
	inLayout := func(layout string) func(x, w *graph.Node, cfg ConvConfig) *graph.Node {
		return func(x, w *graph.Node, cfg ConvConfig) *graph.Node {
			setForceGatherLayout(layout)
			defer setForceGatherLayout(layoutAuto)
			return Conv2DGather(x, w, cfg)
		}
	}
	convolve := func(x, w *graph.Node, cfg ConvConfig) *graph.Node {
		SetConvImpl(ConvConvolve)
		defer SetConvImpl(ConvAuto)
		return Conv2D(x, w, cfg)
	}
	variants := []struct {
		name string
		fn   func(x, w *graph.Node, cfg ConvConfig) *graph.Node
	}{{"convolve", convolve}, {"im2col", Conv2DIm2Col}, {"gather", Conv2DGather},
		{"gather-rows", inLayout(layoutRows)}, {"gather-batchinner", inLayout(layoutBatchInner)}}
	for _, c := range convCases {
		for _, bw := range []bool{false, true} {
			for _, v := range variants {
				b.Run(fmt.Sprintf("%s/bwd=%v/%s", c.name, bw, v.name), func(b *testing.B) { benchConv(b, v.fn, c, bw) })
			}
		}
	}
}

func TestImplFor(t *testing.T) {
	if v := ImplFor("x"); v != ConvConvolve && v != ConvAuto {
		t.Skipf("%s=%s overrides the choice", EnvConvImpl, v)
	}
	tests := []struct {
		backend string
		want    ConvImpl
	}{
		{benchBackend().Name(), map[bool]ConvImpl{true: ConvGather, false: ConvConvolve}[benchBackend().Name() == "Go Backend"]},
		{"Go Backend", ConvGather},
		{"onnxruntime", ConvConvolve},
		{"xla", ConvConvolve},
	}
	for _, tc := range tests {
		if got := ImplFor(tc.backend); got != tc.want {
			t.Errorf("ImplFor(%q) = %q, want %q", tc.backend, got, tc.want)
		}
	}
	SetConvImpl(ConvIm2Col)
	defer SetConvImpl(ConvAuto)
	if got := ImplFor("Go Backend"); got != ConvIm2Col {
		t.Errorf("after SetConvImpl(ConvIm2Col): ImplFor(\"Go Backend\") = %q", got)
	}
}

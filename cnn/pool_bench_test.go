package cnn

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors/images"
)

// BenchmarkAvgPool compares average pooling 2x2 stride 2 (forward and backward, batch 64 and
// 256 of LeNet's first feature map) through strided slices and through a reshape.
func BenchmarkAvgPool(b *testing.B) {
	cfg := PoolConfig{Kernel: [2]int{2, 2}}
	variants := []struct {
		name string
		fn   func(x *graph.Node) *graph.Node
	}{
		{"slices", func(x *graph.Node) *graph.Node {
			return graph.DivScalar(poolWindows(x, cfg, 0, graph.Add), 4)
		}},
		{"reshape", func(x *graph.Node) *graph.Node { return avgPoolReshape(x, cfg) }},
	}
	for _, n := range []int{64, 256} {
		for _, v := range variants {
			b.Run(v.name+"/"+map[int]string{64: "n64", 256: "n256"}[n], func(b *testing.B) {
				x := randTensor(rand.New(rand.NewPCG(3, 4)), n, 6, 28, 28)
				e := graph.MustNewExec(benchBackend(), func(x *graph.Node) *graph.Node {
					return graph.Gradient(graph.ReduceAllSum(v.fn(x)), x)[0]
				})
				e.MustExec(x)[0].FinalizeAll()
				cpu0 := cpuTime()
				for b.Loop() {
					e.MustExec(x)[0].FinalizeAll()
				}
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// BenchmarkPoolForward times the 2x2 stride-2 pooling formulations on 256x6x28x28 (an eager
// MaxPool2d/AvgPool2d.Forward on LeNet's first feature map), forward only: max pooling as strided
// slices, as the backend's own pool (ReduceWindow, where maxPoolFast uses it) and as two
// reductions (windowReduce), average pooling as strided slices, avgPoolReshape (the backend's
// preferred sum), two reductions, two matrix products and GoMLX's MeanPool (ReduceWindow). Run it
// with GOMLX_BACKEND=onnx for ONNX Runtime.
func BenchmarkPoolForward(b *testing.B) {
	cfg := PoolConfig{Kernel: [2]int{2, 2}}
	variants := []struct {
		name string
		fn   func(x *graph.Node) *graph.Node
	}{
		{"max/slices", func(x *graph.Node) *graph.Node { return poolWindows(x, cfg, x.DType().LowestValue(), graph.Max) }},
		{"max/reducewindow", func(x *graph.Node) *graph.Node {
			return graph.MaxPool(x).ChannelsAxis(images.ChannelsFirst).Window(2).NoPadding().Done()
		}},
		{"max/tworeductions", func(x *graph.Node) *graph.Node { return windowReduce(x, 2, 2, graph.ReduceMax) }},
		{"avg/slices", func(x *graph.Node) *graph.Node { return graph.DivScalar(poolWindows(x, cfg, 0, graph.Add), 4) }},
		{"avg/reshape", func(x *graph.Node) *graph.Node { return avgPoolReshape(x, cfg) }},
		{"avg/tworeductions", func(x *graph.Node) *graph.Node {
			return graph.DivScalar(windowReduce(x, 2, 2, graph.ReduceSum), 4)
		}},
		{"avg/matmul", func(x *graph.Node) *graph.Node { return avgPoolMatMul(x, 2, 2) }},
		{"avg/reducewindow", func(x *graph.Node) *graph.Node {
			return graph.MeanPool(x).ChannelsAxis(images.ChannelsFirst).Window(2).NoPadding().Done()
		}},
	}
	x := randTensor(rand.New(rand.NewPCG(3, 4)), 256, 6, 28, 28)
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			e := graph.MustNewExec(benchBackend(), v.fn)
			e.MustExec(x)[0].FinalizeAll()
			for b.Loop() {
				e.MustExec(x)[0].FinalizeAll()
			}
		})
	}
}

// BenchmarkMaxPoolGrad times 2x2 stride-2 max pooling forward and backward at batch 64 (the
// bench/run.sh case): strided slices against the backend's own pool and SelectAndScatterMax,
// where the backend has them (GOMLX_BACKEND=onnx).
func BenchmarkMaxPoolGrad(b *testing.B) {
	cfg := PoolConfig{Kernel: [2]int{2, 2}}
	x := randTensor(rand.New(rand.NewPCG(3, 4)), 64, 6, 28, 28)
	for _, sliced := range []bool{true, false} {
		b.Run(map[bool]string{true: "slices", false: "native"}[sliced], func(b *testing.B) {
			if !sliced && !nativeMaxPool(graph.NewGraph(benchBackend(), "probe")) {
				b.Skip("the backend has no native max pooling")
			}
			setForceSlicedMaxPool(sliced)
			defer setForceSlicedMaxPool(false)
			e := graph.MustNewExec(benchBackend(), func(x *graph.Node) *graph.Node {
				return graph.Gradient(graph.ReduceAllSum(MaxPool2D(x, cfg)), x)[0]
			})
			e.MustExec(x)[0].FinalizeAll()
			for b.Loop() {
				e.MustExec(x)[0].FinalizeAll()
			}
		})
	}
}

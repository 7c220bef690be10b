package cnn

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
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

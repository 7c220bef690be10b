package d2l

import (
	"testing"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/gomlx/core/graph"
)

// BenchmarkEval times Eval and EvalN on graphs compiled before the timer starts: what a
// notebook pays per call for a small element-wise graph and for 6.2.4's training step
// (convolution, loss, gradient, update), graph building and lookup included.
//
//	go test -run '^$' -bench Eval ./d2l/
func BenchmarkEval(b *testing.B) {
	X := Tensor([]float32{1, 2, 3})
	b.Run("square/3", func(b *testing.B) {
		sq := func(x *graph.Node) *graph.Node { return graph.Mul(x, x) }
		Eval(sq, X)
		for b.Loop() {
			Eval(sq, X)
		}
	})
	b.Run("step6.2.4", func(b *testing.B) {
		Xi, Yi, W := Rand(1, 1, 6, 8), Rand(1, 1, 6, 7), Rand(1, 1, 1, 2)
		lr := 3e-2
		step := func(x, y, w *graph.Node) (loss, newW *graph.Node) {
			diff := graph.Sub(cnn.Conv2D(x, w, cnn.ConvConfig{}), y)
			loss = graph.ReduceAllSum(graph.Mul(diff, diff))
			grad := graph.Gradient(loss, w)[0]
			return loss, graph.Sub(w, graph.MulScalar(grad, lr))
		}
		EvalN(step, Xi, Yi, W)
		for b.Loop() {
			EvalN(step, Xi, Yi, W)
		}
	})
}

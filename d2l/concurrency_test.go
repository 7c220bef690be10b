package d2l

import (
	"sync"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
)

// TestConcurrentUse runs eager ops, Eval, an Op, and Forward and TrainBatch on one shared
// network from several goroutines at once; `go test -race ./d2l` (see .ci/run) checks it for
// data races. Every result must equal the one computed alone.
func TestConcurrentUse(t *testing.T) {
	Seed(7)
	X := Rand(6, 6)
	K := Rand(3, 3)
	wantCorr := Corr2D(X, K)
	net := NewSequential(NewConv2d(1, 2, KernelSize(3)), NewReLU(), NewFlatten(), NewLinear(2*4*4, 3))
	Xb := Rand(4, 1, 6, 6)
	yb := tensors.FromValue([]int32{0, 1, 2, 1})
	frozen := NewSequential(NewConv2d(1, 2, KernelSize(3)), NewSigmoid(), NewFlatten(), NewLinear(2*4*4, 3))
	wantFrozen := frozen.Forward(Xb)
	op := Compile(func(x *graph.Node) *graph.Node { return graph.Mul(x, x) })
	defer op.Close()

	const workers, rounds = 4, 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				assert.True(t, AllClose(wantCorr, Corr2D(X, K), 1e-6), "Corr2D")
				k := float64(w*rounds + r)
				got := Eval(func(x *graph.Node) *graph.Node { return graph.MulScalar(x, k) }, Tensor([]float32{1, 2}))
				assert.Equal(t, []float32{float32(k), float32(2 * k)}, values(got), "Eval with captured k")
				assert.Equal(t, []float32{4, 9}, values(op.Call(Tensor([]float32{2, 3}))), "Op.Call")
				assert.True(t, AllClose(wantFrozen, frozen.Forward(Xb), 1e-6), "Forward of a network nobody trains")
				if w%2 == 0 {
					TrainBatch(net, Xb, yb, 0.01)
				} else {
					assert.Equal(t, []int{4, 3}, net.Forward(Xb).Shape().Dimensions, "Forward during training")
				}
			}
		}()
	}
	wg.Wait()
}

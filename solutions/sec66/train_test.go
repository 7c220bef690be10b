package sec66

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/require"
)

// synthBatch returns n seeded 28×28 images X [n, 1, 28, 28] and labels y [n]
// (int32): class k is a bright 12×6 block at a position that depends on k,
// on a faint random background.
func synthBatch(n int, seed uint64) (X, y *tensors.Tensor) {
	r := rand.New(rand.NewPCG(seed, 66))
	x := make([]float32, n*28*28)
	labels := make([]int32, n)
	for i := range n {
		k := i % 10
		labels[i] = int32(k)
		r0, c0 := (k/5)*14, (k%5)*5
		for row := range 28 {
			for col := range 28 {
				v := 0.2 * r.Float32()
				if row >= r0 && row < r0+12 && col >= c0 && col < c0+6 {
					v += 0.8
				}
				x[i*784+row*28+col] = v
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(x, n, 1, 28, 28), tensors.FromFlatDataAndDimensions(labels, n)
}

// trainLosses seeds d2l, builds the network, initialises it with Xavier-uniform
// and returns the mean loss of each of steps SGD steps on one synthetic batch.
func trainLosses(t *testing.T, build func() *d2l.Sequential, steps int, lr float64) []float64 {
	t.Helper()
	d2l.Seed(6)
	net := build()
	require.NotNil(t, net, "the network is nil")
	d2l.InitXavier(net)
	X, y := synthBatch(10, 7)
	losses := make([]float64, steps)
	for i := range losses {
		l, _ := d2l.TrainBatch(net, X, y, lr)
		losses[i] = l / 10
		require.False(t, math.IsNaN(losses[i]) || math.IsInf(losses[i], 0), "step %d: loss %v", i, losses[i])
	}
	return losses
}

// requireFalls fails unless the loss in the second half of the run drops
// clearly below the first step's (a single noisy step may go up).
func requireFalls(t *testing.T, losses []float64) {
	t.Helper()
	best := losses[len(losses)/2]
	for _, l := range losses[len(losses)/2:] {
		best = min(best, l)
	}
	require.Less(t, best, losses[0]-0.05, "the training loss should fall in a few SGD steps: %v", losses)
}

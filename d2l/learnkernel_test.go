package d2l

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// learnKernel is the loop of notebook 6.2.4 (learning a 1x2 kernel): every step runs one GoMLX
// graph (forward, sum of squared errors, gradient, update) through EvalN; every printEvery
// steps it writes "epoch i, loss l" with the loss computed before that step's update. It returns
// the loss before each step and the final kernel.
func learnKernel(conv *Conv2d, X, Y *tensors.Tensor, lr float64, iters, printEvery int, out *strings.Builder) ([]float64, *tensors.Tensor) {
	step := func(x, y, w *graph.Node) (loss, newW *graph.Node) {
		yHat := cnn.Conv2D(x, w, cnn.ConvConfig{})
		diff := graph.Sub(yHat, y)
		loss = graph.ReduceAllSum(graph.Mul(diff, diff))
		grad := graph.Gradient(loss, w)[0]
		return loss, graph.Sub(w, graph.MulScalar(grad, lr))
	}
	var losses []float64
	for i := range iters {
		outs := EvalN(step, X, Y, conv.Weight)
		conv.Weight = outs[1]
		losses = append(losses, Item(outs[0]))
		if (i+1)%printEvery == 0 {
			fmt.Fprintf(out, "epoch %d, loss %.3f\n", i+1, Item(outs[0]))
		}
	}
	return losses, conv.Weight
}

// edgeData returns the 6x8 edge image and its edge map as [1, 1, 6, 8] and [1, 1, 6, 7].
func edgeData() (X, Y *tensors.Tensor) {
	img := Ones(6, 8)
	Fill(img, 0, All, [2]int{2, 6})
	return Reshape(img, 1, 1, 6, 8), Reshape(Corr2D(img, Tensor([][]float32{{1, -1}})), 1, 1, 6, 7)
}

// TestLearnKernelClosedForm checks the 6.2.4 trajectory from w0 = [0, 0]: the error stays along
// [1, -1] and shrinks by 0.64 per step, so the loss before step t+1 is 12 * 0.64^(2t) and the
// kernel after t steps is (1 - 0.64^t) * [1, -1].
func TestLearnKernelClosedForm(t *testing.T) {
	X, Y := edgeData()
	conv := NewConv2d(1, 1, KernelSize(1, 2), Bias(false))
	conv.Weight = Zeros(1, 1, 1, 2)
	var out strings.Builder
	losses, w := learnKernel(conv, X, Y, 3e-2, 10, 2, &out)
	for step, l := range losses {
		want := 12 * math.Pow(0.64, float64(2*step))
		assert.InDelta(t, want, l, 1e-5*math.Max(1, want), "loss before step %d", step+1)
	}
	final := 1 - math.Pow(0.64, 10)
	got := values(w)
	assert.InDelta(t, final, float64(got[0]), 1e-5)
	assert.InDelta(t, -final, float64(got[1]), 1e-5)
	assert.Equal(t, "epoch 2, loss 4.915\nepoch 4, loss 0.825\nepoch 6, loss 0.138\nepoch 8, loss 0.023\nepoch 10, loss 0.004\n", out.String())
}

// TestLearnKernelBookCases replays the learn_kernel cases of the reference (fixed initial kernels).
func TestLearnKernelBookCases(t *testing.T) {
	X, Y := edgeData()
	n := 0
	for _, c := range loadBookCases(t) {
		if c.Op != "learn_kernel" {
			continue
		}
		n++
		t.Run(c.ID, func(t *testing.T) {
			var p convParams
			require.NoError(t, json.Unmarshal(c.Params, &p))
			var want struct {
				PrintedLosses [][2]float64 `json:"printed_losses"`
				FinalKernel   []float64    `json:"final_kernel"`
			}
			require.NoError(t, json.Unmarshal(c.Expected, &want))
			k := c.Kernel.([]any)
			conv := NewConv2d(1, 1, KernelSize(1, 2), Bias(false))
			conv.Weight = Reshape(Tensor([]float64{k[0].(float64), k[1].(float64)}), 1, 1, 1, 2)
			var out strings.Builder
			losses, w := learnKernel(conv, X, Y, p.LR, p.Iters, p.PrintEvery, &out)
			var wantOut strings.Builder
			for _, pl := range want.PrintedLosses {
				epoch := int(pl[0])
				assert.InDelta(t, pl[1], losses[epoch-1], 1e-4*math.Max(1, pl[1]), "loss at epoch %d", epoch)
				fmt.Fprintf(&wantOut, "epoch %d, loss %.3f\n", epoch, pl[1])
			}
			assert.Equal(t, wantOut.String(), out.String())
			got := values(w)
			for i, v := range want.FinalKernel {
				assert.InDelta(t, v, float64(got[i]), 1e-5)
			}
		})
	}
	require.Equal(t, 3, n, "learn_kernel cases")
}

// TestLearnKernelSeeded runs the notebook's seeded version: the kernel ends close to [1, -1]
// and the loss falls at every printed step.
func TestLearnKernelSeeded(t *testing.T) {
	X, Y := edgeData()
	Seed(0)
	conv := NewConv2d(1, 1, KernelSize(1, 2), Bias(false))
	var out strings.Builder
	losses, w := learnKernel(conv, X, Y, 3e-2, 10, 2, &out)
	for i := 1; i < len(losses); i++ {
		assert.Less(t, losses[i], losses[i-1], "loss before step %d", i+1)
	}
	got := values(w)
	assert.InDelta(t, 1, float64(got[0]), 0.1)
	assert.InDelta(t, -1, float64(got[1]), 0.1)
	t.Logf("seeded run:\n%s%s", out.String(), Sprint(Reshape(w, 1, 2)))
}

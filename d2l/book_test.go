package d2l

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bookCase is one entry of testdata/book_outputs.json (copied from the book's reference outputs).
type bookCase struct {
	ID        string          `json:"id"`
	Section   string          `json:"section"`
	Op        string          `json:"op"`
	Params    json.RawMessage `json:"params"`
	Input     any             `json:"input"`
	Kernel    any             `json:"kernel"`
	Expected  json.RawMessage `json:"expected"`
	BookShows bool            `json:"book_shows"`
}

func loadBookCases(t testing.TB) []bookCase {
	raw, err := os.ReadFile("testdata/book_outputs.json")
	require.NoError(t, err)
	var file struct {
		Cases []bookCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(raw, &file))
	require.NotEmpty(t, file.Cases)
	return file.Cases
}

// convParams are the fields of params used by the shape and pad/stride cases.
type convParams struct {
	In             []int `json:"in"`
	Kernel         []int `json:"kernel"`
	PaddingPerSide []int `json:"padding_per_side"`
	Padding        []int `json:"padding"`
	Stride         []int `json:"stride"`
	Layers         int   `json:"layers"`
	PoolSize       []int `json:"pool_size"`
	Bias           float64
	H, W           int
	ZeroCols       []int   `json:"zero_cols"`
	N              int     `json:"n"`
	Shape          []int   `json:"shape"`
	LR             float64 `json:"lr"`
	Iters          int     `json:"iters"`
	PrintEvery     int     `json:"print_every"`
}

// expectTensor compares got with the nested JSON array want (shape and values, tolerance tol).
func expectTensor(t *testing.T, want json.RawMessage, got *tensors.Tensor, tol float64) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(want, &v))
	w := Tensor(v)
	require.Equal(t, dims(w), dims(got), "shape")
	assert.True(t, AllClose(w, got, tol), "want %s\ngot  %s", Format(w), Format(got))
}

func intsJSON(t *testing.T, raw json.RawMessage) []int {
	t.Helper()
	var v []int
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}

// TestBookCases runs every deterministic case of sections 6.2-6.5 through the d2l API.
// Cases of 6.6 (LeNet) belong to the training tests.
func TestBookCases(t *testing.T) {
	ran := 0
	for _, c := range loadBookCases(t) {
		if c.Op == "lenet_shapes" || c.Op == "lenet_param_count" {
			continue
		}
		ran++
		t.Run(c.ID, func(t *testing.T) {
			var p convParams
			require.NoError(t, json.Unmarshal(c.Params, &p))
			switch c.Op {
			case "corr2d", "edge_detect":
				expectTensor(t, c.Expected, Corr2D(Tensor(c.Input), Tensor(c.Kernel)), 0)
			case "conv2d_layer":
				layer := NewScratchConv2D(2, 2)
				layer.Weight = Tensor(c.Kernel)
				layer.Bias = Tensor(p.Bias)
				expectTensor(t, c.Expected, layer.Forward(Tensor(c.Input)), 1e-6)
			case "edge_image":
				X := Ones(p.H, p.W)
				Fill(X, 0, All, [2]int{p.ZeroCols[0], p.ZeroCols[1]})
				expectTensor(t, c.Expected, X, 0)
			case "learn_kernel":
				testLearnKernel(t, c, p)
			case "conv2d_shape", "conv2d_shape_chain":
				layers := max(p.Layers, 1)
				X := Zeros(p.In[0], p.In[1])
				conv := NewConv2d(1, 1, KernelSize(p.Kernel...), Padding(p.PaddingPerSide...), Stride(p.Stride...))
				for range layers {
					X = CompConv2D(conv, X)
				}
				assert.Equal(t, intsJSON(t, c.Expected), dims(X))
			case "corr2d_pad_stride":
				conv := NewConv2d(1, 1, KernelSize(2), Padding(p.PaddingPerSide...), Stride(p.Stride...), Bias(false))
				conv.Weight = Reshape(Tensor(c.Kernel), 1, 1, 2, 2)
				expectTensor(t, c.Expected, CompConv2D(conv, Tensor(c.Input)), 0)
			case "corr2d_multi_in":
				expectTensor(t, c.Expected, Corr2DMultiIn(Tensor(c.Input), Tensor(c.Kernel)), 0)
			case "stack_shape":
				K := Tensor(c.Kernel)
				S := Stack(0, K, AddScalar(K, 1), AddScalar(K, 2))
				assert.Equal(t, intsJSON(t, c.Expected), dims(S))
				assert.Equal(t, fmt.Sprintf("torch.Size(%v)", jsonList(intsJSON(t, c.Expected))), Size(S).String())
			case "corr2d_multi_in_out":
				expectTensor(t, c.Expected, Corr2DMultiInOut(Tensor(c.Input), Tensor(c.Kernel)), 0)
			case "corr2d_multi_in_out_1x1":
				X, K := Tensor(c.Input), Tensor(c.Kernel)
				Y1, Y2 := Corr2DMultiInOut1x1(X, K), Corr2DMultiInOut(X, K)
				expectTensor(t, c.Expected, Y1, 1e-6)
				assert.Less(t, Sum(Abs(Sub(Y1, Y2))), 1e-6)
			case "pool2d_max":
				expectTensor(t, c.Expected, Pool2D(Tensor(c.Input), [2]int(p.PoolSize), "max"), 0)
			case "pool2d_avg":
				expectTensor(t, c.Expected, Pool2D(Tensor(c.Input), [2]int(p.PoolSize), "avg"), 0)
			case "arange_reshape":
				expectTensor(t, c.Expected, Arange(p.N, p.Shape...), 0)
			case "maxpool2d_torch":
				pool := NewMaxPool2d(KernelSize(p.Kernel...), Padding(p.Padding...), Stride(p.Stride...))
				expectTensor(t, c.Expected, pool.Forward(Tensor(c.Input)), 0)
			case "avgpool2d_torch":
				pool := NewAvgPool2d(KernelSize(p.Kernel...), Padding(p.Padding...), Stride(p.Stride...))
				expectTensor(t, c.Expected, pool.Forward(Tensor(c.Input)), 1e-6)
			case "concat_dim1":
				X := Tensor(c.Input)
				expectTensor(t, c.Expected, Cat(1, X, AddScalar(X, 1)), 0)
			default:
				t.Fatalf("case %s: op %q has no test; add one", c.ID, c.Op)
			}
		})
	}
	assert.GreaterOrEqual(t, ran, 25, "book cases of 6.2-6.5")
}

func jsonList(v []int) string {
	b, _ := json.Marshal(v)
	s := string(b)
	out := ""
	for i, r := range s {
		out += string(r)
		if r == ',' && i+1 < len(s) {
			out += " "
		}
	}
	return out
}

// testLearnKernel replays 6.2.4 with a fixed initial kernel: plain gradient descent on the sum of
// squared errors of a 1x2 bias-free convolution, with the gradient computed by GoMLX through
// cnn.Conv2D (so it also checks that gradient).
func testLearnKernel(t *testing.T, c bookCase, p convParams) {
	var want struct {
		PrintedLosses [][2]float64 `json:"printed_losses"`
		FinalKernel   []float64    `json:"final_kernel"`
	}
	require.NoError(t, json.Unmarshal(c.Expected, &want))
	X := Reshape(Tensor(c.Input), 1, 1, 6, 8)
	Y := Reshape(Corr2D(Tensor(c.Input), Tensor([][]float32{{1, -1}})), 1, 1, 6, 7)
	W := Reshape(Tensor(c.Kernel), 1, 1, 1, 2)
	lr := p.LR
	step := func(x, y, w *graph.Node) (*graph.Node, *graph.Node) {
		diff := graph.Sub(cnn.Conv2D(x, w, cnn.ConvConfig{}), y)
		loss := graph.ReduceAllSum(graph.Mul(diff, diff))
		grad := graph.Gradient(loss, w)[0]
		return loss, graph.Sub(w, graph.MulScalar(grad, lr))
	}
	var losses [][2]float64
	for i := range p.Iters {
		outs := EvalN(step, X, Y, W)
		W = outs[1]
		if (i+1)%p.PrintEvery == 0 {
			losses = append(losses, [2]float64{float64(i + 1), Item(outs[0])})
		}
	}
	require.Len(t, losses, len(want.PrintedLosses))
	for i, l := range want.PrintedLosses {
		assert.Equal(t, l[0], losses[i][0])
		assert.InDelta(t, l[1], losses[i][1], 1e-4*math.Max(1, l[1]), "loss at epoch %v", l[0])
	}
	got := values(W)
	for i, w := range want.FinalKernel {
		assert.InDelta(t, w, float64(got[i]), 1e-5)
	}
}

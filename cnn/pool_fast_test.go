package cnn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAvgPoolReshape checks that the reshape-based average pooling and its gradient equal the
// strided-slice pooling, including inputs whose size the window does not divide.
func TestAvgPoolReshape(t *testing.T) {
	tests := []struct {
		x      []int
		kernel [2]int
	}{
		{[]int{2, 3, 4, 4}, [2]int{2, 2}},
		{[]int{1, 2, 7, 5}, [2]int{2, 2}},
		{[]int{3, 1, 9, 8}, [2]int{3, 2}},
		{[]int{1, 1, 5, 5}, [2]int{5, 5}},
		{[]int{2, 2, 6, 6}, [2]int{1, 1}},
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.x, tc.kernel), func(t *testing.T) {
			cfg := PoolConfig{Kernel: tc.kernel}
			x := randTensor(r, tc.x...)
			weights := randTensor(r, tc.x[0], tc.x[1], tc.x[2]/tc.kernel[0], tc.x[3]/tc.kernel[1])
			run := func(pool func(x *graph.Node) *graph.Node) []*tensors.Tensor {
				e := graph.MustNewExec(benchBackend(), func(x, wt *graph.Node) []*graph.Node {
					y := pool(x)
					return []*graph.Node{y, graph.Gradient(graph.ReduceAllSum(graph.Mul(y, wt)), x)[0]}
				})
				return e.MustExec(x, weights)
			}
			want := run(func(x *graph.Node) *graph.Node {
				return graph.DivScalar(poolWindows(x, cfg, graph.ScalarZero(x.Graph(), x.DType()), graph.Add),
					float64(tc.kernel[0]*tc.kernel[1]))
			})
			got := run(func(x *graph.Node) *graph.Node { return avgPoolReshape(x, cfg) })
			for i, name := range []string{"output", "gradient"} {
				require.Equal(t, want[i].Shape(), got[i].Shape(), name)
				w, g := tensors.MustCopyFlatData[float32](want[i]), tensors.MustCopyFlatData[float32](got[i])
				assert.InDeltaSlice(t, w, g, 1e-5, name)
			}
		})
	}
	assert.Nil(t, avgPoolReshape(graphOnly(t), PoolConfig{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}}), "overlapping windows")
	assert.Nil(t, avgPoolReshape(graphOnly(t), PoolConfig{Kernel: [2]int{2, 2}, Padding: [2]int{1, 1}}), "padding")
}

// graphOnly returns a [1, 1, 4, 4] parameter node of a fresh graph (for checks that need a node
// but run nothing).
func graphOnly(t *testing.T) *graph.Node {
	t.Helper()
	g := graph.NewGraph(benchBackend(), "graphOnly")
	return graph.Parameter(g, "x", tensors.FromFlatDataAndDimensions(make([]float32, 16), 1, 1, 4, 4).Shape())
}

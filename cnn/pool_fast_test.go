package cnn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAvgPoolReshape checks that the reshape-based and the matrix-product average pooling, and
// their gradients, equal the strided-slice pooling, including inputs whose size the window does
// not divide.
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
				return graph.DivScalar(poolWindows(x, cfg, 0, graph.Add),
					float64(tc.kernel[0]*tc.kernel[1]))
			})
			for _, v := range []struct {
				name string
				pool func(x *graph.Node) *graph.Node
			}{
				{"reshape", func(x *graph.Node) *graph.Node { return avgPoolReshape(x, cfg) }},
				{"matmul", func(x *graph.Node) *graph.Node { return avgPoolMatMul(x, tc.kernel[0], tc.kernel[1]) }},
			} {
				got := run(v.pool)
				for i, name := range []string{"output", "gradient"} {
					require.Equal(t, want[i].Shape(), got[i].Shape(), v.name+" "+name)
					w, g := tensors.MustCopyFlatData[float32](want[i]), tensors.MustCopyFlatData[float32](got[i])
					assert.InDeltaSlice(t, w, g, 1e-5, v.name+" "+name)
				}
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

// TestMaxPoolNativeChoice: MaxPool2D is one ReduceWindow exactly where maxPoolFast promises it
// (a backend with ReduceWindow and SelectAndScatterMax that runs them fast, windows that do not
// overlap), and strided slices otherwise.
func TestMaxPoolNativeChoice(t *testing.T) {
	backend := testBackend()
	caps := backend.Capabilities().Operations
	native := caps[compute.OpTypeReduceWindow] && caps[compute.OpTypeSelectAndScatterMax] &&
		!prefsFor(backend.Name()).slicedMaxPool
	if backend.Name() == "Go Backend" {
		assert.False(t, native, "the pure-Go backend's ReduceWindow is a per-element loop: strided slices")
	}
	tests := []struct {
		name string
		cfg  PoolConfig
		want bool
	}{
		{"2x2 stride 2", PoolConfig{Kernel: [2]int{2, 2}}, native},
		{"3x3 stride 3 pad 1", PoolConfig{Kernel: [2]int{3, 3}, Padding: [2]int{1, 1}}, native},
		{"2x2 stride 3", PoolConfig{Kernel: [2]int{2, 2}, Stride: [2]int{3, 3}}, native},
		{"3x3 stride 2 (overlap)", PoolConfig{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}}, false},
		{"2x2 stride 1 (overlap)", PoolConfig{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}}, false},
		{"1x2 stride (1, 2)", PoolConfig{Kernel: [2]int{1, 2}, Stride: [2]int{1, 2}}, native},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := graph.NewGraph(backend, "maxpool")
			x := graph.Parameter(g, "x", shapes.Make(dtypes.Float32, 2, 3, 7, 7))
			y := MaxPool2D(x, tc.cfg)
			assert.Equal(t, tc.want, y.Type() == graph.NodeTypeReduceWindow, "output node %s", y.Type())
			g.Finalize()
		})
	}
}

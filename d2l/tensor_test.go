package d2l

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTensorConversions(t *testing.T) {
	tests := []struct {
		name  string
		value any
		dims  []int
		vals  []float32
	}{
		{"float32 matrix", [][]float32{{1, 2}, {3, 4}}, []int{2, 2}, []float32{1, 2, 3, 4}},
		{"float64 vector", []float64{0.5, -1}, []int{2}, []float32{0.5, -1}},
		{"int 3-D", [][][]int{{{1}, {2}}, {{3}, {4}}}, []int{2, 2, 1}, []float32{1, 2, 3, 4}},
		{"int64 scalar", int64(7), nil, []float32{7}},
		{"float scalar", 2.5, nil, []float32{2.5}},
		{"array", [2][3]int32{{1, 2, 3}, {4, 5, 6}}, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}},
		{"any nested", []any{[]any{1, 2.5}, []any{int8(3), float32(4)}}, []int{2, 2}, []float32{1, 2.5, 3, 4}},
		{"empty", []float32{}, []int{0}, []float32{}},
		{"bools", []bool{true, false}, []int{2}, []float32{1, 0}},
		{"tensor int32", tensors.FromValue([]int32{1, 2}), []int{2}, []float32{1, 2}},
		{"tensor float64", tensors.FromValue([][]float64{{1.5}}), []int{1, 1}, []float32{1.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Tensor(tc.value)
			assert.Equal(t, tc.dims, Shape(dims(got)).dimsOrNil())
			assert.Equal(t, tc.vals, append([]float32{}, values(got)...))
			assert.Len(t, values(got), len(tc.vals))
		})
	}
}

// dimsOrNil makes empty shapes comparable with nil in table tests.
func (s Shape) dimsOrNil() []int {
	if len(s) == 0 {
		return nil
	}
	return []int(s)
}

func TestConstructors(t *testing.T) {
	assert.Equal(t, []float32{0, 1, 2, 3, 4, 5}, values(Arange(6)))
	assert.Equal(t, []int{1, 1, 2, 3}, dims(Arange(6, 1, 1, 2, 3)))
	assert.Equal(t, []int{3, 2}, dims(Arange(6, -1, 2)))
	assert.Equal(t, []float32{1, 1, 1, 1}, values(Ones(2, 2)))
	assert.Equal(t, []float32{0, 0, 0}, values(Zeros(3)))
	assert.Equal(t, []float32{2.5, 2.5}, values(Full(2.5, 2)))
	assert.Equal(t, 0, Zeros().Rank())

	Seed(42)
	a := Rand(100)
	Seed(42)
	b := Rand(100)
	assert.Equal(t, values(a), values(b), "Seed makes Rand repeatable")
	for _, v := range values(a) {
		assert.True(t, v >= 0 && v < 1)
	}
	n := values(Randn(10000))
	var mean, sq float64
	for _, v := range n {
		mean += float64(v)
		sq += float64(v) * float64(v)
	}
	mean /= float64(len(n))
	assert.InDelta(t, 0, mean, 0.05)
	assert.InDelta(t, 1, sq/float64(len(n))-mean*mean, 0.05)
}

func TestShapeOps(t *testing.T) {
	X := Arange(6, 2, 3)
	assert.Equal(t, []float32{0, 3, 1, 4, 2, 5}, values(T(X)))
	assert.Equal(t, []int{3, 2}, dims(T(X)))
	assert.Equal(t, []float32{5, 4, 3, 2, 1, 0}, values(Flip(X)))
	F := Flip(Arange(8, 2, 2, 2))
	assert.Equal(t, []float32{3, 2, 1, 0, 7, 6, 5, 4}, values(F), "flips the last two axes of each slice")
	assert.Equal(t, []float32{0, 1, 2, 3, 4, 5}, values(Reshape(X, 6)))
	assert.Equal(t, []int{3, 1, 2}, dims(Reshape(X, 3, -1, 2)))

	K := Arange(4, 2, 2)
	S := Stack(0, K, AddScalar(K, 10))
	assert.Equal(t, []int{2, 2, 2}, dims(S))
	assert.Equal(t, []float32{0, 1, 2, 3, 10, 11, 12, 13}, values(S))
	S = Stack(2, K, AddScalar(K, 10))
	assert.Equal(t, []int{2, 2, 2}, dims(S))
	assert.Equal(t, []float32{0, 10, 1, 11, 2, 12, 3, 13}, values(S))
	S = Stack(-1, K, K, K)
	assert.Equal(t, []int{2, 2, 3}, dims(S))

	C := Cat(1, K, AddScalar(K, 10))
	assert.Equal(t, []int{2, 4}, dims(C))
	assert.Equal(t, []float32{0, 1, 10, 11, 2, 3, 12, 13}, values(C))
	C = Cat(0, K, Ones(1, 2))
	assert.Equal(t, []int{3, 2}, dims(C))
	assert.Equal(t, []float32{0, 1, 2, 3, 1, 1}, values(C))
	C = Cat(-1, K, K)
	assert.Equal(t, []int{2, 4}, dims(C))
}

func TestArithmetic(t *testing.T) {
	A := Arange(6, 2, 3)
	assert.Equal(t, []float32{0, 2, 4, 6, 8, 10}, values(Add(A, A)))
	assert.Equal(t, []float32{0, 0, 0, 0, 0, 0}, values(Sub(A, A)))
	assert.Equal(t, []float32{0, 1, 4, 9, 16, 25}, values(Mul(A, A)))
	row := Tensor([]float32{10, 20, 30})
	assert.Equal(t, []float32{10, 21, 32, 13, 24, 35}, values(Add(A, row)), "broadcast a row")
	col := Tensor([][]float32{{100}, {200}})
	assert.Equal(t, []float32{100, 101, 102, 203, 204, 205}, values(Add(A, col)), "broadcast a column")
	assert.Equal(t, []int{2, 3}, dims(Mul(col, row)), "outer broadcast")
	assert.Equal(t, []float32{0, 2, 4, 6, 8, 10}, values(Mul(A, Tensor(2))), "scalar tensor")
	assert.Equal(t, []float32{1.5, 2.5, 3.5, 4.5, 5.5, 6.5}, values(AddScalar(A, 1.5)))
	assert.Equal(t, []float32{0, -1, -2, -3, -4, -5}, values(MulScalar(A, -1)))
	assert.Equal(t, 15.0, Sum(A))
	assert.Equal(t, []float32{1, 2}, values(Abs(Tensor([]float32{-1, 2}))))
	assert.Equal(t, 3.0, Item(Tensor([][]float32{{3}})))
	assert.True(t, AllClose(A, AddScalar(A, 1e-7), 1e-6))
	assert.False(t, AllClose(A, AddScalar(A, 1e-3), 1e-6))
	assert.False(t, AllClose(A, Reshape(A, 3, 2), 1), "shapes differ")
	inf := Tensor([]float64{math.Inf(1)})
	assert.True(t, AllClose(inf, inf, 0))
}

func TestFill(t *testing.T) {
	X := Ones(3, 4)
	Fill(X, 0, All, [2]int{1, 3})
	assert.Equal(t, []float32{1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1}, values(X))
	Fill(X, 7, [2]int{-1, All[1]})
	assert.Equal(t, []float32{7, 7, 7, 7}, values(X)[8:])
	Fill(X, 5)
	assert.Equal(t, 60.0, Sum(X), "no range: whole tensor")
}

func TestSize(t *testing.T) {
	assert.Equal(t, "torch.Size([1, 1, 8, 8])", Size(Zeros(1, 1, 8, 8)).String())
	assert.Equal(t, "torch.Size([])", Size(Tensor(1)).String())
	assert.Equal(t, Shape{2, 3}, Size(Ones(2, 3)))
}

// TestEvalCachesGraphs: Eval builds the graph on every call but compiles a given graph once.
func TestEvalCachesGraphs(t *testing.T) {
	builds := 0
	square := func(x *graph.Node) *graph.Node {
		builds++
		return graph.Mul(graph.MulScalar(x, 1.5), x)
	}
	compiles := evalCompiles.Load()
	for range 3 {
		assert.Equal(t, []float32{1.5, 6, 13.5}, values(Eval(square, Tensor([]float32{1, 2, 3}))))
	}
	assert.Equal(t, 3, builds, "built on every call")
	assert.Equal(t, int64(1), evalCompiles.Load()-compiles, "one compilation per shape")
	assert.Equal(t, []float32{24}, values(Eval(square, Tensor([]float32{4}))))
	assert.Equal(t, int64(2), evalCompiles.Load()-compiles, "a new shape compiles again")

	// Two closures of the same literal with different captured values must not share a graph.
	scale := func(c float64) func(x *graph.Node) *graph.Node {
		return func(x *graph.Node) *graph.Node { return graph.MulScalar(x, c) }
	}
	two, three := scale(2), scale(3)
	X := Tensor([]float32{1})
	assert.Equal(t, []float32{2}, values(Eval(two, X)))
	assert.Equal(t, []float32{3}, values(Eval(three, X)))
	for i := range 70 { // fresh closures, each its own graph
		assert.Equal(t, []float32{float32(i)}, values(Eval(scale(float64(i)), X)))
	}
	outs := EvalN(func(x *graph.Node) (*graph.Node, *graph.Node) { return graph.Neg(x), graph.Add(x, x) }, X)
	require.Len(t, outs, 2)
	assert.Equal(t, []float32{-1}, values(outs[0]))
	assert.Equal(t, []float32{2}, values(outs[1]))
}

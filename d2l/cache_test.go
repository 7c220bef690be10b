package d2l

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// residentKB returns the process's resident set size in KiB (VmRSS of /proc/self/status), or
// -1 where /proc is missing.
func residentKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return -1
}

// shapesPerOp is how many distinct input shapes TestManyShapes runs through each op: 10 000 on
// the pure-Go backend (compiling a small graph takes 0.03-0.15 ms there); 300 under -race and
// with -short; 70 on backends whose compilations take tens of milliseconds (ONNX Runtime:
// 33-43 ms per session). 70 is more than GoMLX's per-Exec limit (64) that used to fail, and 21
// cases of 70 shapes are more than the cache holds, so it evicts all along.
func shapesPerOp() int {
	switch {
	case Backend().Name() != gobackend.GetBackend().Name():
		return 70
	case testing.Short() || raceEnabled:
		return 300
	}
	return 10000
}

// TestManyShapes is the probe of a cache that wears out: every eager op, Eval, EvalN,
// an Op, a user layer (Apply) and a Sequential (Forward and TrainBatch) see thousands of input
// shapes in one process, each result is checked against the value it must have, and the
// resident memory stays bounded: the cache evicts (and frees) instead of failing or growing.
func TestManyShapes(t *testing.T) {
	n := shapesPerOp()
	Seed(3)
	conv := NewConv2d(2, 3, KernelSize(3))
	Fill(conv.Weight, 1)
	Fill(conv.Bias, 0.5)
	convNoBias := NewConv2d(1, 1, KernelSize(2), Bias(false), Padding(1))
	Fill(convNoBias.Weight, 1)
	maxPool, avgPool := NewMaxPool2d(KernelSize(2)), NewAvgPool2d(KernelSize(2), Stride(1))
	lin := NewLinear(3, 2)
	Fill(lin.Weight, 1)
	Fill(lin.Bias, 0)
	scratch := NewScratchConv2D(1, 2)
	Fill(scratch.Weight, 1)
	user := &scaleLayer{W: Tensor([]float32{3})}
	// Flatten, then a user layer that sums each example's features, then a Linear: any batch
	// shape [h, w, 2, 2] works.
	net := NewSequential(NewFlatten(), rowSum{}, NewLinear(1, 2))
	Fill(net.Layers[2].(*Linear).Bias, 0)
	op := Compile(func(x *graph.Node) *graph.Node { return graph.AddScalar(x, 1) })
	defer op.Close()

	// hw(i) is the i-th of n distinct pairs (h, w) >= (1, 1) with the smallest products, so
	// that the inputs stay small (a few hundred values) and the time goes to compiling.
	pairs := smallPairs(n)
	hw := func(i int) (int, int) { return pairs[i][0], pairs[i][1] }
	cases := []struct {
		name string
		f    func(i int) bool // runs shape number i and reports whether the result is right
	}{
		{"Corr2D", func(i int) bool {
			h, w := hw(i)
			return allEqual(Corr2D(Ones(h+1, w+1), Ones(2, 2)), 4, h, w)
		}},
		{"Corr2DMultiIn", func(i int) bool {
			h, w := hw(i)
			return allEqual(Corr2DMultiIn(Ones(2, h+1, w+1), Ones(2, 2, 2)), 8, h, w)
		}},
		{"Corr2DMultiInOut", func(i int) bool {
			h, w := hw(i)
			return allEqual(Corr2DMultiInOut(Ones(1, h, w), Ones(3, 1, 1, 1)), 1, 3, h, w)
		}},
		{"Corr2DMultiInOut1x1", func(i int) bool {
			h, w := hw(i)
			return allEqual(Corr2DMultiInOut1x1(Ones(2, h, w), Ones(1, 2, 1, 1)), 2, 1, h, w)
		}},
		{"Pool2D max", func(i int) bool {
			// Windows of 1x1 to 4x4: graphs of different sizes.
			h, w := hw(i)
			k := 1 + i%4
			return allEqual(Pool2D(Ones(h+k-1, w+k-1), [2]int{k, k}, "max"), 1, h, w)
		}},
		{"Pool2D avg", func(i int) bool {
			h, w := hw(i)
			return allEqual(Pool2D(Ones(h+1, w+1), [2]int{2, 2}, "avg"), 1, h, w)
		}},
		{"Conv2d.Forward", func(i int) bool {
			h, w := hw(i)
			return allEqual(conv.Forward(Ones(1, 2, h+2, w+2)), 18.5, 1, 3, h, w)
		}},
		{"Conv2d.Forward no bias", func(i int) bool {
			h, w := hw(i)
			y := convNoBias.Forward(Ones(1, 1, h, w)) // padding 1: the corner sees one 1
			return assert.Equal(t, []int{1, 1, h + 1, w + 1}, y.Shape().Dimensions) && values(y)[0] == 1
		}},
		{"CompConv2D", func(i int) bool {
			h, w := hw(i)
			return allEqual(CompConv2D(NewConv2d(1, 1, KernelSize(1), Bias(false)), Zeros(h, w)), 0, h, w)
		}},
		{"MaxPool2d.Forward", func(i int) bool {
			h, w := hw(i)
			return allEqual(maxPool.Forward(Ones(1, 1, 2*h, 2*w)), 1, 1, 1, h, w)
		}},
		{"AvgPool2d.Forward", func(i int) bool {
			h, w := hw(i)
			return allEqual(avgPool.Forward(Ones(1, h+1, w+1)), 1, 1, h, w)
		}},
		{"Sigmoid.Forward", func(i int) bool {
			h, w := hw(i)
			return allEqual(NewSigmoid().Forward(Zeros(h, w)), 0.5, h, w)
		}},
		{"ReLU.Forward", func(i int) bool {
			h, w := hw(i)
			return allEqual(NewReLU().Forward(Full(-1, h, w)), 0, h, w)
		}},
		{"Linear.Forward", func(i int) bool { return allEqual(lin.Forward(Ones(i+1, 3)), 3, i+1, 2) }},
		{"ScratchConv2D.Forward", func(i int) bool {
			h, w := hw(i)
			return allEqual(scratch.Forward(Ones(h, w+1)), 2, h, w)
		}},
		{"Apply (a user layer)", func(i int) bool {
			h, w := hw(i)
			return allEqual(user.Forward(Ones(h, w)), 3, h, w)
		}},
		{"Eval", func(i int) bool {
			h, w := hw(i)
			c := float64(i % 5)
			return allEqual(Eval(func(x *graph.Node) *graph.Node { return graph.AddScalar(x, c) }, Zeros(h, w)), float32(c), h, w)
		}},
		{"EvalN", func(i int) bool {
			h, w := hw(i)
			outs := EvalN(func(x *graph.Node) (*graph.Node, *graph.Node) { return graph.Neg(x), x }, Ones(h, w))
			return allEqual(outs[0], -1, h, w) && allEqual(outs[1], 1, h, w)
		}},
		{"Op.Call", func(i int) bool {
			h, w := hw(i)
			return allEqual(op.Call(Zeros(h, w)), 1, h, w)
		}},
		{"Sequential.Forward", func(i int) bool {
			h, w := hw(i)
			return allEqual(net.Forward(Zeros(h, w, 2, 2)), 0, h, 2)
		}},
		{"TrainBatch", func(i int) bool {
			h, w := hw(i)
			y := tensors.FromFlatDataAndDimensions(make([]int32, h), h)
			l, _ := TrainBatch(net, Zeros(h, w, 2, 2), y, 0)
			return l > 0
		}},
	}
	before := residentKB()
	peak := before
	for _, c := range cases {
		start := time.Now()
		for i := range n {
			if !c.f(i) {
				t.Fatalf("%s: wrong result for shape number %d", c.name, i)
			}
			if i%1000 == 999 {
				peak = max(peak, residentKB())
			}
		}
		peak = max(peak, residentKB())
		entries, bytes := programs.stats()
		t.Logf("%-24s %d shapes in %.1f s; cache %d graphs, %.1f MB estimated; resident %d MB", c.name, n,
			time.Since(start).Seconds(), entries, float64(bytes)/1e6, residentKB()/1024)
		require.LessOrEqual(t, entries, cacheMaxEntries)
		require.LessOrEqual(t, bytes, int64(cacheMaxBytes))
	}
	if before > 0 {
		t.Logf("resident memory: %d MB before, %d MB at most", before/1024, peak/1024)
		// Without eviction by count, 10 000 shapes per op keep ~200 000 executables; with it the
		// cache holds 256 small graphs. The bound leaves room for the Go heap and the backend.
		assert.Less(t, peak-before, int64(400<<10), "resident memory grew by %d MB", (peak-before)/1024)
	}
}

// smallPairs returns n distinct pairs (h, w) >= (1, 1) in order of growing product h*w.
func smallPairs(n int) [][2]int {
	var out [][2]int
	for p := 1; len(out) < n; p++ {
		for h := 1; h <= p && len(out) < n; h++ {
			if p%h == 0 {
				out = append(out, [2]int{h, p / h})
			}
		}
	}
	return out
}

// rowSum is a layer without parameters written outside d2l (a value, not a pointer):
// [n, d] -> [n, 1], the sum of each row.
type rowSum struct{}

func (rowSum) Forward(X *tensors.Tensor) *tensors.Tensor { return Apply(rowSum{}, X) }
func (rowSum) Params() []Param                           { return nil }
func (rowSum) Check(x []int) error {
	if len(x) != 2 {
		return &Error{Func: "rowSum", Arg: "X", Got: fmt.Sprintf("shape %v", x), Want: "rank 2 [n, d]"}
	}
	return nil
}
func (rowSum) Build(x *graph.Node, _ []*graph.Node) *graph.Node {
	return graph.ReduceAndKeep(x, graph.ReduceSum, 1)
}
func (rowSum) String() string { return "RowSum()" }

// allEqual reports whether t has dimensions dims and every value equals want.
func allEqual(t *tensors.Tensor, want float32, dims ...int) bool {
	if fmt.Sprint(t.Shape().Dimensions) != fmt.Sprint(dims) {
		return false
	}
	for _, v := range values(t) {
		if v != want {
			return false
		}
	}
	return true
}

// scaleLayer is a layer written outside d2l's layer types: x * W for a learnable scalar W [1].
type scaleLayer struct{ W *tensors.Tensor }

func (s *scaleLayer) Forward(X *tensors.Tensor) *tensors.Tensor { return Apply(s, X) }
func (s *scaleLayer) Params() []Param                           { return []Param{{Name: "weight", Ref: &s.W}} }
func (s *scaleLayer) Check(x []int) error                       { return nil }
func (s *scaleLayer) Build(x *graph.Node, p []*graph.Node) *graph.Node {
	return graph.Mul(x, graph.Reshape(p[0]))
}
func (s *scaleLayer) String() string { return "Scale()" }

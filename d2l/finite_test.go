package d2l

import (
	"math"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrainBatchRefusesNonFiniteSteps is the probe of an Inf destroying a network: an
// Inf in X is rejected with its index, and a step that would make weights NaN or infinite (a
// learning rate of 1e30) is refused with the previous weights kept, so the network can still
// be inspected and trained.
func TestTrainBatchRefusesNonFiniteSteps(t *testing.T) {
	Seed(6)
	net := NewSequential(NewFlatten(), NewLinear(4, 3))
	X := Rand(5, 1, 2, 2)
	y := tensors.FromValue([]int32{0, 1, 2, 0, 1})
	before := values(net.Parameters()[0].Value)

	Xinf := Rand(5, 1, 2, 2)
	tensors.MustMutableFlatData(Xinf, func(f []float32) { f[7] = float32(math.Inf(-1)) })
	err := Try(func() { TrainBatch(net, Xinf, y, 0.1) })
	require.Error(t, err)
	assert.Equal(t, "d2l.TrainBatch: argument X: got -Inf at index [1 0 1 1], want finite values (no NaN or ±Inf)", err.Error())

	Xbig := MulScalar(X, 1e10) // finite, but with lr 1e30 the update overflows float32
	err = Try(func() { TrainBatch(net, Xbig, y, 1e30) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.TrainBatch: argument lr: got 1e+30, with which this step would make parameter 1.weight NaN or infinite")
	assert.Contains(t, err.Error(), "the step was refused, the previous weights kept")
	assert.Equal(t, before, values(net.Parameters()[0].Value), "the weights are unchanged")
	assert.False(t, math.IsNaN(Sum(net.Parameters()[0].Value)))

	l, _ := TrainBatch(net, X, y, 0.1)
	assert.False(t, math.IsNaN(l), "the network still trains")
	assert.NotEqual(t, before, values(net.Parameters()[0].Value))

	err = Try(func() { net.Forward(Full(math.NaN(), 1, 1, 2, 2)) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.Sequential.Forward: argument X: got NaN at index [0 0 0 0]")
	lin := net.Layers[1].(*Linear)
	lin.Bias = Tensor([]float32{0, float32(math.Inf(1)), 0})
	err = Try(func() { net.Forward(X) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.Sequential.Forward: argument parameter 1.bias: got +Inf at index [1]")
}

// TestNaNAndInfFollowPyTorch: the host helpers compute with NaN and ±Inf as PyTorch does
// (sum is nan, allclose is false for NaN and true for equal infinities, print shows nan and
// inf), so a student can inspect a network that diverged; the graph ops reject them.
func TestNaNAndInfFollowPyTorch(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	W := Tensor([]float32{1, nan, 2})
	assert.True(t, math.IsNaN(Sum(W)))
	assert.True(t, math.IsInf(Sum(Tensor([]float32{1, inf})), 1))
	assert.False(t, AllClose(W, W, 1e-6), "torch.allclose is False where NaN meets NaN")
	assert.True(t, AllClose(Tensor([]float32{inf, -inf}), Tensor([]float32{inf, -inf}), 0))
	assert.Equal(t, "tensor([1., nan, 2.])", Format(W))
	assert.Equal(t, "tensor([inf, -inf])", Format(Tensor([]float32{inf, -inf})))
	assert.True(t, math.IsNaN(Item(Tensor([]float32{nan}))))
	assert.True(t, math.IsNaN(Sum(Add(W, Ones(3)))))
	assert.Equal(t, []float32{1, 1, 1}, values(Abs(Tensor([]float32{-1, 1, -1}))))
	err := Try(func() { Corr2D(Tensor([][]float32{{1, inf}}), Ones(1, 1)) })
	require.Error(t, err)
	assert.Equal(t, "d2l.Corr2D: argument X: got +Inf at index [0 1], want finite values (no NaN or ±Inf)", err.Error())
}

// TestResultsLiveInGoMemory is the mechanism behind "a result nobody frees costs what a freed
// one does": every tensor an eager call returns is local (Go memory the garbage collector
// sees), and no backend buffer is kept for it, on every backend.
func TestResultsLiveInGoMemory(t *testing.T) {
	X := Rand(4, 1, 8, 8)
	conv := NewConv2d(1, 2, KernelSize(3))
	net := NewSequential(conv, NewReLU(), NewFlatten(), NewLinear(2*6*6, 3))
	for name, y := range map[string]*tensors.Tensor{
		"Conv2d.Forward":     conv.Forward(X),
		"Corr2D":             Corr2D(Ones(3, 3), Ones(2, 2)),
		"Sequential.Forward": net.Forward(X),
		"Apply":              Apply(&scaleLayer{W: Ones(1)}, X),
	} {
		assert.True(t, y.IsLocal(), "%s: local", name)
		assert.False(t, y.IsOnDevice(0), "%s: no backend buffer kept", name)
	}
	assert.True(t, X.IsLocal() && !X.IsOnDevice(0), "an input stays as it was")
	TrainBatch(net, X, tensors.FromValue([]int32{0, 1, 2, 0}), 0.1)
	for _, p := range net.Parameters() {
		assert.False(t, p.Value.IsOnDevice(0), "updated parameter %s: no backend buffer kept", p.Name)
	}
}

// fakeExe is an executable that only counts finalizations (cache tests).
type fakeExe struct{ finalized *int }

func (f fakeExe) Finalize()                          { *f.finalized++ }
func (f fakeExe) Inputs() ([]string, []shapes.Shape) { return nil, nil }
func (f fakeExe) Outputs() []shapes.Shape            { return nil }
func (f fakeExe) Execute([]compute.Buffer, []bool, compute.DeviceNum) ([]compute.Buffer, error) {
	return nil, nil
}

// TestCacheEvictsByBytes: the cache holds at most its byte limit (estimated), evicting the
// least recently used programs, and never evicts the one just added even if it alone is larger.
func TestCacheEvictsByBytes(t *testing.T) {
	finalized := 0
	c := newProgramCache(100, 1000)
	add := func(key string, bytes int64) {
		c.release(c.add(key, &program{exe: fakeExe{&finalized}, bytes: bytes}))
	}
	add("a", 400)
	add("b", 400)
	c.release(c.get("a")) // a is now more recently used than b
	add("c", 400)         // 1200 > 1000: b goes
	assert.Nil(t, c.get("b"))
	e := c.get("a")
	require.NotNil(t, e)
	c.release(e)
	assert.Equal(t, 1, finalized)
	add("huge", 5000) // alone above the limit: everything else goes, it stays
	entries, bytes := c.stats()
	assert.Equal(t, 1, entries)
	assert.Equal(t, int64(5000), bytes)
	assert.Equal(t, 3, finalized)
	add("huge", 5000) // the same key again: the duplicate is freed, the entry kept
	assert.Equal(t, 4, finalized)
	entries, _ = c.stats()
	assert.Equal(t, 1, entries)
}

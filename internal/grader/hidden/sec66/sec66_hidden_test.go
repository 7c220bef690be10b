//go:build d2lgrader

package sec66_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/d2l-go/d2l-go/exercises/sec66"
	"github.com/d2l-go/d2l-go/exercises/testutil"
	ref "github.com/d2l-go/d2l-go/solutions/sec66"
	"github.com/gomlx/gomlx/core/tensors"
)

// hiddenSameNet fails unless got() builds the network want() builds: the same layer
// types in the same order, the same convolutions (channels, kernel, padding, stride)
// and linear layers, and, with want's parameters copied into it, the same output
// on a random batch (which also compares the pooling and activation layers).
func hiddenSameNet(t *testing.T, name string, got, want func() *d2l.Sequential) {
	t.Helper()
	d2l.Seed(66)
	w := want()
	g := got()
	testutil.True(t, g != nil, name+"() returned nil", name+"() returned nil")
	var gotKinds, wantKinds []string
	for _, l := range g.Layers {
		gotKinds = append(gotKinds, d2l.LayerName(l))
	}
	for _, l := range w.Layers {
		wantKinds = append(wantKinds, d2l.LayerName(l))
	}
	testutil.Equal(t, wantKinds, gotKinds, name+"(): the layer types")
	for i, wl := range w.Layers {
		what := fmt.Sprintf("%s(): layer %d (%s)", name, i, wantKinds[i])
		switch wl := wl.(type) {
		case *d2l.Conv2d:
			gl, ok := g.Layers[i].(*d2l.Conv2d)
			testutil.True(t, ok, what+": not a *d2l.Conv2d", what+": not a *d2l.Conv2d")
			testutil.Equal(t, [5]any{wl.InChannels, wl.OutChannels, wl.KernelSize, wl.Padding, wl.Stride},
				[5]any{gl.InChannels, gl.OutChannels, gl.KernelSize, gl.Padding, gl.Stride}, what+": [in channels, out channels, kernel size, padding, stride]")
			gl.Weight, gl.Bias = wl.Weight, wl.Bias
		case *d2l.Linear:
			gl, ok := g.Layers[i].(*d2l.Linear)
			testutil.True(t, ok, what+": not a *d2l.Linear", what+": not a *d2l.Linear")
			testutil.Equal(t, [2]int{wl.InFeatures, wl.OutFeatures}, [2]int{gl.InFeatures, gl.OutFeatures}, what+": [in features, out features]")
			gl.Weight, gl.Bias = wl.Weight, wl.Bias
		}
	}
	X := d2l.Rand(3, 1, 28, 28)
	wantY := w.Forward(X)
	gotY := g.Forward(X)
	testutil.Equal(t, wantY.Shape().Dimensions, gotY.Shape().Dimensions, name+"(): the output shape on a random batch [3 1 28 28]")
	testutil.True(t, d2l.AllClose(wantY, gotY, 1e-5), name+"(): with the reference's parameters, the output on a random batch differs from the reference's",
		name+"(): with the reference's parameters, the output on a random batch [3 1 28 28] differs from the reference's (check the pooling and activation layers)")
}

// hiddenBatch returns n seeded 28×28 images X [n, 1, 28, 28] and labels y [n]
// (int32): class k is a bright 12×6 block at a position that depends on k,
// on a faint random background.
func hiddenBatch(n int, seed uint64) (X, y *tensors.Tensor) {
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

// hiddenTrains fails unless got builds the reference's network and eight seeded SGD
// steps with learning rate lr on a synthetic batch lower its loss clearly (a single
// noisy step may go up).
func hiddenTrains(t *testing.T, name string, got, want func() *d2l.Sequential, lr float64) {
	t.Helper()
	hiddenSameNet(t, name, got, want)
	d2l.Seed(6)
	net := got()
	d2l.InitXavier(net)
	X, y := hiddenBatch(10, 7)
	losses := make([]float64, 8)
	for i := range losses {
		l, _ := d2l.TrainBatch(net, X, y, lr)
		losses[i] = l / 10
		testutil.True(t, !math.IsNaN(losses[i]) && !math.IsInf(losses[i], 0), fmt.Sprintf("step %d: loss %v", i, losses[i]), fmt.Sprintf("%s(): step %d: the loss is not finite", name, i))
	}
	best := losses[len(losses)/2]
	for _, l := range losses[len(losses)/2:] {
		best = min(best, l)
	}
	testutil.True(t, best < losses[0]-0.05, fmt.Sprintf("the training loss should fall in a few SGD steps: %v", losses),
		name+"(): the training loss did not fall clearly in 8 seeded SGD steps on a synthetic batch")
}

// TestHidden_LeNetMaxPool_Structure compares the network with the reference's.
//
//d2l:test 6.6-1 points=1 timeout=60s
func TestHidden_LeNetMaxPool_Structure(t *testing.T) {
	defer testutil.Catch(t)
	hiddenSameNet(t, "LeNetMaxPool", sec66.LeNetMaxPool, ref.LeNetMaxPool)
}

// TestHidden_LeNetMaxPool_Train checks a short seeded training run.
//
//d2l:test 6.6-1 points=2 timeout=120s
func TestHidden_LeNetMaxPool_Train(t *testing.T) {
	defer testutil.Catch(t)
	hiddenTrains(t, "LeNetMaxPool", sec66.LeNetMaxPool, ref.LeNetMaxPool, 0.9)
}

// TestHidden_LeNetReLU_Structure compares the network with the reference's.
//
//d2l:test 6.6-2a points=1 timeout=60s
func TestHidden_LeNetReLU_Structure(t *testing.T) {
	defer testutil.Catch(t)
	hiddenSameNet(t, "LeNetReLU", sec66.LeNetReLU, ref.LeNetReLU)
}

// TestHidden_LeNetReLU_Train checks a short seeded training run.
//
//d2l:test 6.6-2a points=2 timeout=120s
func TestHidden_LeNetReLU_Train(t *testing.T) {
	defer testutil.Catch(t)
	hiddenTrains(t, "LeNetReLU", sec66.LeNetReLU, ref.LeNetReLU, 0.15)
}

// TestHidden_LeNetWide_Structure compares the network with the reference's.
//
//d2l:test 6.6-2b points=1 timeout=60s
func TestHidden_LeNetWide_Structure(t *testing.T) {
	defer testutil.Catch(t)
	hiddenSameNet(t, "LeNetWide", sec66.LeNetWide, ref.LeNetWide)
}

// TestHidden_LeNetWide_Train checks a short seeded training run.
//
//d2l:test 6.6-2b points=2 timeout=120s
func TestHidden_LeNetWide_Train(t *testing.T) {
	defer testutil.Catch(t)
	hiddenTrains(t, "LeNetWide", sec66.LeNetWide, ref.LeNetWide, 0.9)
}

// TestHidden_LeNetDeep_Structure compares the network with the reference's.
//
//d2l:test 6.6-2c points=1 timeout=60s
func TestHidden_LeNetDeep_Structure(t *testing.T) {
	defer testutil.Catch(t)
	hiddenSameNet(t, "LeNetDeep", sec66.LeNetDeep, ref.LeNetDeep)
}

// TestHidden_LeNetDeep_Train checks a short seeded training run.
//
//d2l:test 6.6-2c points=2 timeout=120s
func TestHidden_LeNetDeep_Train(t *testing.T) {
	defer testutil.Catch(t)
	hiddenTrains(t, "LeNetDeep", sec66.LeNetDeep, ref.LeNetDeep, 0.15)
}

// TestHidden_LayerOutputs compares every layer's output with the reference on a
// seeded deep network and random input.
//
//d2l:test 6.6-4 points=2 timeout=60s
func TestHidden_LayerOutputs(t *testing.T) {
	defer testutil.Catch(t)
	d2l.Seed(66)
	net := ref.LeNetDeep()
	X := d2l.Rand(3, 1, 28, 28)
	want := ref.LayerOutputs(net, X)
	got := sec66.LayerOutputs(net, X)
	testutil.Equal(t, len(want), len(got), "LayerOutputs of a seeded deep LeNet on a random batch [3 1 28 28]: one output per layer")
	for i := range want {
		what := fmt.Sprintf("LayerOutputs of a seeded deep LeNet on a random batch [3 1 28 28]: output %d", i)
		testutil.True(t, got[i] != nil, what+" is nil", what+" is nil")
		testutil.Equal(t, want[i].Shape().Dimensions, got[i].Shape().Dimensions, what+": shape")
		testutil.True(t, d2l.AllClose(want[i], got[i], 1e-5), what+" differs from the reference's", what+" differs from the reference's")
	}
}

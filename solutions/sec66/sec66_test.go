package sec66

import (
	"testing"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/d2l-go/d2l-go/solutions/testutil"
	"github.com/stretchr/testify/require"
)

// variant describes one LeNet variant: how to build it, its layers and size.
type variant struct {
	name   string
	build  func() *d2l.Sequential
	layers []string
	params int
	lr     float64 // learning rate of the short training check
}

var (
	sigmoidAvg = []string{"Conv2d", "Sigmoid", "AvgPool2d", "Conv2d", "Sigmoid", "AvgPool2d", "Flatten", "Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"}
	variants   = map[string]variant{
		"LeNetMaxPool": {"LeNetMaxPool", LeNetMaxPool, []string{"Conv2d", "Sigmoid", "MaxPool2d", "Conv2d", "Sigmoid", "MaxPool2d", "Flatten", "Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"}, 61706, 0.9},
		"LeNetReLU":    {"LeNetReLU", LeNetReLU, []string{"Conv2d", "ReLU", "AvgPool2d", "Conv2d", "ReLU", "AvgPool2d", "Flatten", "Linear", "ReLU", "Linear", "ReLU", "Linear"}, 61706, 0.15},
		"LeNetWide":    {"LeNetWide", LeNetWide, sigmoidAvg, 120382, 0.9},
		"LeNetDeep":    {"LeNetDeep", LeNetDeep, []string{"Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "Flatten", "Linear", "ReLU", "Linear", "ReLU", "Linear"}, 114346, 0.15},
	}
)

// checkLayers fails unless the variant has exactly the expected layer types.
func checkLayers(t *testing.T, v variant) {
	t.Helper()
	net := v.build()
	require.NotNil(t, net, "%s() returned nil", v.name)
	var got []string
	for _, l := range net.Layers {
		got = append(got, d2l.LayerName(l))
	}
	require.Equal(t, v.layers, got, "%s(): layer types", v.name)
}

// checkShape fails unless the variant maps [2, 1, 28, 28] to [2, 10] with the expected parameter count.
func checkShape(t *testing.T, v variant) {
	t.Helper()
	d2l.Seed(1)
	net := v.build()
	require.NotNil(t, net, "%s() returned nil", v.name)
	Y := net.Forward(d2l.Rand(2, 1, 28, 28))
	require.Equal(t, []int{2, 10}, Y.Shape().Dimensions, "%s().Forward(X [2 1 28 28]) shape", v.name)
	require.Equal(t, v.params, net.NumParams(), "%s().NumParams()", v.name)
}

// TestLeNetMaxPool_Layers checks the layer types of the max-pooling LeNet.
//
//d2l:test 6.6-1 points=1 timeout=60s
func TestLeNetMaxPool_Layers(t *testing.T) {
	defer testutil.Catch(t)
	checkLayers(t, variants["LeNetMaxPool"])
}

// TestLeNetMaxPool_Shape checks its output shape and parameter count.
//
//d2l:test 6.6-1 points=2 timeout=60s
func TestLeNetMaxPool_Shape(t *testing.T) {
	defer testutil.Catch(t)
	checkShape(t, variants["LeNetMaxPool"])
}

// TestLeNetReLU_Layers checks the layer types of the ReLU LeNet.
//
//d2l:test 6.6-2a points=1 timeout=60s
func TestLeNetReLU_Layers(t *testing.T) {
	defer testutil.Catch(t)
	checkLayers(t, variants["LeNetReLU"])
}

// TestLeNetReLU_Shape checks its output shape and parameter count.
//
//d2l:test 6.6-2a points=2 timeout=60s
func TestLeNetReLU_Shape(t *testing.T) {
	defer testutil.Catch(t)
	checkShape(t, variants["LeNetReLU"])
}

// TestLeNetWide_Layers checks the layer types of the wide LeNet.
//
//d2l:test 6.6-2b points=1 timeout=60s
func TestLeNetWide_Layers(t *testing.T) {
	defer testutil.Catch(t)
	checkLayers(t, variants["LeNetWide"])
}

// TestLeNetWide_Shape checks its output shape and parameter count.
//
//d2l:test 6.6-2b points=2 timeout=60s
func TestLeNetWide_Shape(t *testing.T) {
	defer testutil.Catch(t)
	checkShape(t, variants["LeNetWide"])
}

// TestLeNetDeep_Layers checks the layer types of the deep LeNet.
//
//d2l:test 6.6-2c points=1 timeout=60s
func TestLeNetDeep_Layers(t *testing.T) {
	defer testutil.Catch(t)
	checkLayers(t, variants["LeNetDeep"])
}

// TestLeNetDeep_Shape checks its output shape and parameter count.
//
//d2l:test 6.6-2c points=2 timeout=60s
func TestLeNetDeep_Shape(t *testing.T) {
	defer testutil.Catch(t)
	checkShape(t, variants["LeNetDeep"])
}

// TestLayerOutputs_Shapes checks the per-layer shapes the book prints for LeNet.
//
//d2l:test 6.6-4 points=2 timeout=60s
func TestLayerOutputs_Shapes(t *testing.T) {
	defer testutil.Catch(t)
	d2l.Seed(1)
	outs := LayerOutputs(d2l.LeNet(), d2l.Rand(1, 1, 28, 28))
	want := [][]int{{1, 6, 28, 28}, {1, 6, 28, 28}, {1, 6, 14, 14}, {1, 16, 10, 10}, {1, 16, 10, 10}, {1, 16, 5, 5},
		{1, 400}, {1, 120}, {1, 120}, {1, 84}, {1, 84}, {1, 10}}
	require.Len(t, outs, len(want), "LayerOutputs(LeNet, X): one output per layer")
	for i, o := range outs {
		require.NotNil(t, o, "output %d is nil", i)
		require.Equal(t, want[i], o.Shape().Dimensions, "output of layer %d", i)
	}
}

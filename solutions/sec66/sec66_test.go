package sec66_test

import (
	"fmt"
	"testing"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/d2l-go/d2l-go/solutions/sec66"
	"github.com/d2l-go/d2l-go/solutions/testutil"
)

// layer is one layer a question asks for: its type (d2l.LayerName) and, for a
// convolution, its channels, square kernel and padding (stride 1), or, for a
// linear layer, its features.
type layer struct {
	kind            string
	in, out         int
	kernel, padding int
}

func conv(in, out, kernel, padding int) layer {
	return layer{kind: "Conv2d", in: in, out: out, kernel: kernel, padding: padding}
}

func linear(in, out int) layer { return layer{kind: "Linear", in: in, out: out} }

func plain(kind string) layer { return layer{kind: kind} }

// lenet returns the layers of the book's LeNet with the given activation, pooling and
// channels of the two convolutions: the spec each variant of 6.6-1 and 6.6-2 changes.
func lenet(act, pool string, c1, c2 int) []layer {
	return []layer{
		conv(1, c1, 5, 2), plain(act), plain(pool),
		conv(c1, c2, 5, 0), plain(act), plain(pool),
		plain("Flatten"),
		linear(c2*5*5, 120), plain(act),
		linear(120, 84), plain(act),
		linear(84, 10),
	}
}

// deep returns the layers of 6.6-2c: LeNet with ReLU and max pooling and a third
// convolution Conv2d(16, 32, 3, padding 1) + ReLU before Flatten.
func deep() []layer {
	return []layer{
		conv(1, 6, 5, 2), plain("ReLU"), plain("MaxPool2d"),
		conv(6, 16, 5, 0), plain("ReLU"), plain("MaxPool2d"),
		conv(16, 32, 3, 1), plain("ReLU"),
		plain("Flatten"),
		linear(32*5*5, 120), plain("ReLU"),
		linear(120, 84), plain("ReLU"),
		linear(84, 10),
	}
}

// requireLayers fails unless net has exactly the layers of want, in order, with the
// channels, kernels, paddings and features want gives.
func requireLayers(t *testing.T, name string, net *d2l.Sequential, want []layer) {
	t.Helper()
	testutil.True(t, net != nil, name+"() returned nil", name+"() returned nil")
	var kinds, wantKinds []string
	for _, l := range net.Layers {
		kinds = append(kinds, d2l.LayerName(l))
	}
	for _, l := range want {
		wantKinds = append(wantKinds, l.kind)
	}
	testutil.Equal(t, wantKinds, kinds, name+"(): layer types")
	for i, w := range want {
		what := fmt.Sprintf("%s(): layer %d (%s)", name, i, w.kind)
		switch l := net.Layers[i].(type) {
		case *d2l.Conv2d:
			testutil.Equal(t, [4]int{w.in, w.out, w.kernel, w.padding},
				[4]int{l.InChannels, l.OutChannels, l.KernelSize[0], l.Padding[0]},
				what+": [in channels, out channels, kernel size, padding]")
			testutil.Equal(t, [3][2]int{{w.kernel, w.kernel}, {w.padding, w.padding}, {1, 1}},
				[3][2]int{l.KernelSize, l.Padding, l.Stride},
				what+": [kernel size, padding, stride] as [h w] pairs")
		case *d2l.Linear:
			testutil.Equal(t, [2]int{w.in, w.out}, [2]int{l.InFeatures, l.OutFeatures},
				what+": [in features, out features]")
		}
	}
}

// requireShape fails unless net maps X [2, 1, 28, 28] to [2, 10] and has params parameters.
func requireShape(t *testing.T, name string, net *d2l.Sequential, params int) {
	t.Helper()
	d2l.Seed(1)
	Y := net.Forward(d2l.Rand(2, 1, 28, 28))
	testutil.Equal(t, []int{2, 10}, Y.Shape().Dimensions, name+"().Forward(X [2 1 28 28]): shape")
	testutil.Equal(t, params, net.NumParams(), name+"().NumParams()")
}

// TestLeNetMaxPool_Layers checks the layers of the max-pooling LeNet.
//
//d2l:test 6.6-1 points=1 timeout=60s
func TestLeNetMaxPool_Layers(t *testing.T) {
	defer testutil.Catch(t)
	requireLayers(t, "LeNetMaxPool", sec66.LeNetMaxPool(), lenet("Sigmoid", "MaxPool2d", 6, 16))
}

// TestLeNetMaxPool_Shape checks its layers, output shape and parameter count.
//
//d2l:test 6.6-1 points=2 timeout=60s
func TestLeNetMaxPool_Shape(t *testing.T) {
	defer testutil.Catch(t)
	net := sec66.LeNetMaxPool()
	requireLayers(t, "LeNetMaxPool", net, lenet("Sigmoid", "MaxPool2d", 6, 16))
	requireShape(t, "LeNetMaxPool", net, 61706)
}

// TestLeNetReLU_Layers checks the layers of the ReLU LeNet.
//
//d2l:test 6.6-2a points=1 timeout=60s
func TestLeNetReLU_Layers(t *testing.T) {
	defer testutil.Catch(t)
	requireLayers(t, "LeNetReLU", sec66.LeNetReLU(), lenet("ReLU", "AvgPool2d", 6, 16))
}

// TestLeNetReLU_Shape checks its layers, output shape and parameter count.
//
//d2l:test 6.6-2a points=2 timeout=60s
func TestLeNetReLU_Shape(t *testing.T) {
	defer testutil.Catch(t)
	net := sec66.LeNetReLU()
	requireLayers(t, "LeNetReLU", net, lenet("ReLU", "AvgPool2d", 6, 16))
	requireShape(t, "LeNetReLU", net, 61706)
}

// TestLeNetWide_Layers checks the layers of the wide LeNet (16 and 32 channels).
//
//d2l:test 6.6-2b points=1 timeout=60s
func TestLeNetWide_Layers(t *testing.T) {
	defer testutil.Catch(t)
	requireLayers(t, "LeNetWide", sec66.LeNetWide(), lenet("Sigmoid", "AvgPool2d", 16, 32))
}

// TestLeNetWide_Shape checks its layers, output shape and parameter count.
//
//d2l:test 6.6-2b points=2 timeout=60s
func TestLeNetWide_Shape(t *testing.T) {
	defer testutil.Catch(t)
	net := sec66.LeNetWide()
	requireLayers(t, "LeNetWide", net, lenet("Sigmoid", "AvgPool2d", 16, 32))
	requireShape(t, "LeNetWide", net, 120382)
}

// TestLeNetDeep_Layers checks the layers of the deep LeNet.
//
//d2l:test 6.6-2c points=1 timeout=60s
func TestLeNetDeep_Layers(t *testing.T) {
	defer testutil.Catch(t)
	requireLayers(t, "LeNetDeep", sec66.LeNetDeep(), deep())
}

// TestLeNetDeep_Shape checks its layers, output shape and parameter count.
//
//d2l:test 6.6-2c points=2 timeout=60s
func TestLeNetDeep_Shape(t *testing.T) {
	defer testutil.Catch(t)
	net := sec66.LeNetDeep()
	requireLayers(t, "LeNetDeep", net, deep())
	requireShape(t, "LeNetDeep", net, 114346)
}

// TestLayerOutputs_Shapes checks the per-layer shapes the book prints for LeNet.
//
//d2l:test 6.6-4 points=2 timeout=60s
func TestLayerOutputs_Shapes(t *testing.T) {
	defer testutil.Catch(t)
	d2l.Seed(1)
	outs := sec66.LayerOutputs(d2l.LeNet(), d2l.Rand(1, 1, 28, 28))
	want := [][]int{
		{1, 6, 28, 28}, {1, 6, 28, 28}, {1, 6, 14, 14},
		{1, 16, 10, 10}, {1, 16, 10, 10}, {1, 16, 5, 5},
		{1, 400},
		{1, 120}, {1, 120},
		{1, 84}, {1, 84},
		{1, 10},
	}
	testutil.Equal(t, len(want), len(outs), "LayerOutputs(LeNet, X): one output per layer")
	for i, o := range outs {
		isNil := fmt.Sprintf("output %d is nil", i)
		testutil.True(t, o != nil, isNil, isNil)
		testutil.Equal(t, want[i], o.Shape().Dimensions,
			fmt.Sprintf("output of layer %d: shape", i))
	}
}

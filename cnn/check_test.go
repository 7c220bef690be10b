package cnn

import (
	"testing"

	"github.com/d2l-go/d2l-go/internal/d2lerr"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadArguments: every function of the package rejects bad arguments with a one-line
// *d2l.Error naming the function and the argument (what d2l.Try turns into an error), before
// GoMLX sees them.
func TestBadArguments(t *testing.T) {
	f32 := func(g *graph.Graph, name string, dims ...int) *graph.Node {
		return graph.Parameter(g, name, shapes.Make(dtypes.Float32, dims...))
	}
	for _, tc := range []struct {
		name string
		f    func(g *graph.Graph)
		want string
	}{
		{"conv rank", func(g *graph.Graph) { Conv2D(f32(g, "x", 2, 5, 5), f32(g, "w", 1, 2, 3, 3), ConvConfig{}) },
			"cnn.Conv2D: argument x: got shape [2 5 5] (rank 3), want rank 4 [n, c_in, h, w]"},
		{"conv channels", func(g *graph.Graph) { Conv2D(f32(g, "x", 1, 2, 5, 5), f32(g, "w", 1, 3, 3, 3), ConvConfig{}) },
			"cnn.Conv2D: argument w: got shape [1 3 3 3], want 2 input channels in axis 1 (x is [1 2 5 5])"},
		{"conv negative stride", func(g *graph.Graph) {
			Conv2D(f32(g, "x", 1, 1, 5, 5), f32(g, "w", 1, 1, 3, 3), ConvConfig{Stride: [2]int{0, -1}})
		}, "cnn.Conv2D: argument cfg.Stride: got [0 -1], want strides >= 1 (0 for the default)"},
		{"conv window too large", func(g *graph.Graph) { Conv2DIm2Col(f32(g, "x", 1, 1, 2, 5), f32(g, "w", 1, 1, 3, 3), ConvConfig{}) },
			"cnn.Conv2DIm2Col: argument x: got spatial size 2x5 with padding [0 0], want a (padded) input at least as large as the 3x3 window"},
		{"conv bias", func(g *graph.Graph) {
			Conv2DBias(f32(g, "x", 1, 1, 5, 5), f32(g, "w", 2, 1, 3, 3), f32(g, "b", 3), ConvConfig{})
		},
			"cnn.Conv2DBias: argument b: got Float32 [3], want Float32 [2] (one per output channel)"},
		{"pool padding", func(g *graph.Graph) {
			MaxPool2D(f32(g, "x", 1, 1, 8, 8), PoolConfig{Kernel: [2]int{2, 2}, Padding: [2]int{3, 3}})
		},
			"cnn.MaxPool2D: argument cfg.Padding: got [3 3], want at most half the window [2 2]"},
		{"pool kernel", func(g *graph.Graph) { AvgPool2D(f32(g, "x", 1, 1, 8, 8), PoolConfig{}) },
			"cnn.AvgPool2D: argument cfg.Kernel: got [0 0], want window sizes >= 1"},
		{"pool nil", func(g *graph.Graph) { AvgPool2DForward(nil, PoolConfig{Kernel: [2]int{2, 2}}) },
			"cnn.AvgPool2DForward: argument x: got nil, want rank 4 [n, c, h, w]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := graph.NewGraph(testBackend(), tc.name)
			defer g.Finalize()
			err := catch(func() { tc.f(g) })
			require.NotNil(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
	err := catch(func() { SetConvImpl("fast") })
	require.NotNil(t, err)
	assert.Equal(t, `cnn.SetConvImpl: argument impl: got "fast", want one of "", "convolve", "im2col", "gather"`, err.Error())
}

// catch returns the *d2l.Error f panics with (nil if it returns); other panics fail loudly.
func catch(f func()) (err *d2lerr.Error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*d2lerr.Error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	f()
	return nil
}

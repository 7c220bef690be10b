package cnn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/stretchr/testify/assert"
)

// refConv2DGrads returns, by plain loops, the gradients of sum(conv2d(x, w) * g) with respect
// to x [n, c_in, h, w] and w [c_out, c_in, kh, kw], for g shaped like the output.
func refConv2DGrads(x, w, g arr, cfg ConvConfig) (dx, dw arr) {
	sh, sw := cfg.strides()
	ph, pw := cfg.Padding[0], cfg.Padding[1]
	dx, dw = newArr(x.d...), newArr(w.d...)
	for n := range g.d[0] {
		for o := range g.d[1] {
			for p := range g.d[2] {
				for q := range g.d[3] {
					gv := g.v[g.idx(n, o, p, q)]
					for c := range w.d[1] {
						for a := range w.d[2] {
							for b := range w.d[3] {
								i, j := p*sh+a-ph, q*sw+b-pw
								if i < 0 || j < 0 || i >= x.d[2] || j >= x.d[3] {
									continue
								}
								dx.v[dx.idx(n, c, i, j)] += w.v[w.idx(o, c, a, b)] * gv
								dw.v[dw.idx(o, c, a, b)] += x.v[x.idx(n, c, i, j)] * gv
							}
						}
					}
				}
			}
		}
	}
	return dx, dw
}

// TestConv2DGradRandom checks this package's convolution gradient (Conv2DGradInput and
// Conv2DGradKernel, used through graph.Gradient of a Conv2D built with ConvConvolve), the
// gradient GoMLX derives for the im2col variant and the gather variant's (GoMLX's with mulCols's
// product, in both layouts) against plain loops, on random shapes, strides, paddings and kernels
// of odd and even sizes.
func TestConv2DGradRandom(t *testing.T) {
	for _, v := range convVariants[1:] {
		t.Run(v.String(), func(t *testing.T) {
			defer v.set()()
			r := rand.New(rand.NewPCG(3, 9))
			for i := range 30 {
				x, w, _, cfg := randConv(r)
				sh, sw := cfg.strides()
				oh := OutSize(x.d[2], w.d[2], cfg.Padding[0], sh)
				ow := OutSize(x.d[3], w.d[3], cfg.Padding[1], sw)
				g := randArr(r, x.d[0], w.d[0], oh, ow)
				e := graph.MustNewExec(testBackend(), func(x, w, g *graph.Node) []*graph.Node {
					return graph.Gradient(graph.ReduceAllSum(graph.Mul(Conv2D(x, w, cfg), g)), x, w)
				})
				got := e.MustExec(x.tensor(), w.tensor(), g.tensor())
				e.Finalize()
				dx, dw := refConv2DGrads(x, w, g, cfg)
				msg := fmt.Sprintf("case %d: %+v x %v w %v", i, cfg, x.d, w.d)
				assertArr(t, dx, got[0], msg+": dx")
				assertArr(t, dw, got[1], msg+": dw")
			}
		})
	}
}

// TestConv2DGradStopGradient checks, for every variant, that the kernel gradient is unchanged
// when the input is marked graph.StopGradient (then the input gradient is not built) and that
// the input then gets no gradient.
func TestConv2DGradStopGradient(t *testing.T) {
	for _, v := range convVariants[1:] {
		t.Run(v.String(), func(t *testing.T) {
			defer v.set()()
			r := rand.New(rand.NewPCG(4, 4))
			for i := range 10 {
				x, w, _, cfg := randConv(r)
				sh, sw := cfg.strides()
				g := randArr(r, x.d[0], w.d[0], OutSize(x.d[2], w.d[2], cfg.Padding[0], sh), OutSize(x.d[3], w.d[3], cfg.Padding[1], sw))
				e := graph.MustNewExec(testBackend(), func(x, w, g *graph.Node) []*graph.Node {
					return graph.Gradient(graph.ReduceAllSum(graph.Mul(Conv2D(graph.StopGradient(x), w, cfg), g)), x, w)
				})
				got := e.MustExec(x.tensor(), w.tensor(), g.tensor())
				e.Finalize()
				_, dw := refConv2DGrads(x, w, g, cfg)
				msg := fmt.Sprintf("case %d: %+v x %v w %v", i, cfg, x.d, w.d)
				assertArr(t, newArr(x.d...), got[0], msg+": dx")
				assertArr(t, dw, got[1], msg+": dw")
			}
		})
	}
}

// TestConv2DGatherLeNet checks Conv2DGather's values and gradients at LeNet's shapes (batch 3)
// in every layout, and that its choices for LeNet at batch 256 are the measured ones: conv1 in
// the rows layout with the direct kernel-gradient product, conv2 batch-inner with the swapped one.
func TestConv2DGatherLeNet(t *testing.T) {
	lenet := []struct {
		x, w []int
		cfg  ConvConfig
	}{
		{[]int{3, 1, 28, 28}, []int{6, 1, 5, 5}, ConvConfig{Padding: [2]int{2, 2}}},
		{[]int{3, 6, 14, 14}, []int{16, 6, 5, 5}, ConvConfig{}},
	}
	for _, layout := range []string{layoutRows, layoutBatchInner, layoutPixelRuns} {
		t.Run(layout, func(t *testing.T) {
			setForceGatherLayout(layout)
			defer setForceGatherLayout(layoutAuto)
			r := rand.New(rand.NewPCG(7, 7))
			for _, c := range lenet {
				x, w := randArr(r, c.x...), randArr(r, c.w...)
				g := randArr(r, c.x[0], c.w[0], OutSize(c.x[2], c.w[2], c.cfg.Padding[0], 1), OutSize(c.x[3], c.w[3], c.cfg.Padding[1], 1))
				e := graph.MustNewExec(testBackend(), func(x, w, g *graph.Node) []*graph.Node {
					y := Conv2DGather(x, w, c.cfg)
					return append([]*graph.Node{y}, graph.Gradient(graph.ReduceAllSum(graph.Mul(y, g)), x, w)...)
				})
				got := e.MustExec(x.tensor(), w.tensor(), g.tensor())
				e.Finalize()
				dx, dw := refConv2DGrads(x, w, g, c.cfg)
				msg := fmt.Sprintf("x %v w %v", x.d, w.d)
				assertArr(t, refConv2D(x, w, nil, c.cfg), got[0], msg+": y")
				assertArr(t, dx, got[1], msg+": dx")
				assertArr(t, dw, got[2], msg+": dw")
			}
		})
	}
	gc := func(n, ci, hw, co, pad int) gatherConv {
		c := gatherConv{n: n, ci: ci, h: hw, wi: hw, co: co, kh: 5, kw: 5, sh: 1, sw: 1, ph: pad, pw: pad}
		c.oh, c.ow = OutSize(hw, 5, pad, 1), OutSize(hw, 5, pad, 1)
		c.hp, c.wp, c.k = hw+2*pad, hw+2*pad, ci*25
		return c
	}
	assert.False(t, gatherLayout(gc(256, 1, 28, 6, 2)), "conv1: rows")
	assert.True(t, gatherLayout(gc(256, 6, 14, 16, 0)), "conv2: batch inner")
	assert.True(t, gatherLayout(gc(1, 1, 28, 6, 2)), "one image: batch inner")
	assert.False(t, kernelGradSwapped(6, 25), "conv1: v · cols^T")
	assert.True(t, kernelGradSwapped(16, 150), "conv2: (cols · v^T)^T")
}

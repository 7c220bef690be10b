package cnn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
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

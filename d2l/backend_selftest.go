package d2l

import (
	"fmt"
	"math"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// SelfTest checks, on backend b, the ops d2l builds on and their gradients, against plain Go
// loops: a strided, padded convolution with bias (x [2,2,6,5], kernel [3,2,3,3]; output and
// gradients with respect to input, kernel and bias), max pooling (2x2), max and average pooling
// as eager calls build them (2x2, cnn.MaxPool2DForward and cnn.AvgPool2DForward) and padded
// average pooling (3x3, stride 2), forward and backward. Backend runs it once per process on each
// registered candidate before choosing it, so a backend that lacks an op or computes one wrongly
// is skipped with a note instead of failing later in a notebook. It compiles one small graph
// (a few ms; 0.1-0.4 s on ONNX Runtime) and returns nil or a one-line error.
func SelfTest(b compute.Backend) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("self-test failed: %s", oneLine(fmt.Sprint(r)))
		}
	}()
	const n, ci, h, w, co, k = 2, 2, 6, 5, 3, 3
	conv := cnn.ConvConfig{Stride: [2]int{2, 1}, Padding: [2]int{1, 1}}
	maxCfg := cnn.PoolConfig{Kernel: [2]int{2, 2}}
	avgCfg := cnn.PoolConfig{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Padding: [2]int{1, 1}}

	// Distinct values (no ties in max pooling), small enough for float32 sums to be exact-ish.
	xv := make([]float32, n*ci*h*w)
	for i := range xv {
		xv[i] = float32((i*37)%61)/61 - 0.5
	}
	wv := make([]float32, co*ci*k*k)
	for i := range wv {
		wv[i] = float32((i*13)%29)/29 - 0.4
	}
	bv := []float32{0.1, -0.2, 0.3}
	x := tensors.FromFlatDataAndDimensions(xv, n, ci, h, w)
	wt := tensors.FromFlatDataAndDimensions(wv, co, ci, k, k)
	bt := tensors.FromFlatDataAndDimensions(bv, co)

	e, err := graph.NewExec(b, func(x, wn, bn *graph.Node) []*graph.Node {
		y := cnn.Conv2DBias(x, wn, bn, conv)
		mp := cnn.MaxPool2D(x, maxCfg)
		ap := cnn.AvgPool2D(x, avgCfg)
		ap2 := cnn.AvgPool2DForward(x, maxCfg)
		mp2 := cnn.MaxPool2DForward(x, maxCfg)
		// Loss with position-dependent weights so that every gradient entry matters.
		loss := graph.Add(graph.Add(weightedSum(y), weightedSum(mp)), graph.Add(weightedSum(ap), weightedSum(ap2)))
		loss = graph.Add(loss, weightedSum(mp2))
		grads := graph.Gradient(loss, x, wn, bn)
		return append([]*graph.Node{y, mp, ap, ap2, mp2}, grads...)
	})
	if err != nil {
		return fmt.Errorf("self-test failed to compile: %s", oneLine(err.Error()))
	}
	outs, err := e.Exec(x, wt, bt)
	if err != nil {
		return fmt.Errorf("self-test failed to run: %s", oneLine(err.Error()))
	}
	defer func() {
		for _, o := range outs {
			o.FinalizeAll()
		}
	}()

	ref := refSelfTest(xv, wv, bv, [4]int{n, ci, h, w}, [2]int{co, k}, conv, maxCfg, avgCfg)
	names := []string{"conv2d", "max pool", "avg pool", "eager avg pool", "eager max pool", "d/dx", "d/dw", "d/db"}
	for i, want := range ref {
		got := tensors.MustCopyFlatData[float32](outs[i])
		if len(got) != len(want) {
			return fmt.Errorf("self-test: %s has %d values, want %d", names[i], len(got), len(want))
		}
		for j := range want {
			if d := math.Abs(float64(got[j] - want[j])); d > 1e-4*(1+math.Abs(float64(want[j]))) || math.IsNaN(float64(got[j])) {
				return fmt.Errorf("self-test: %s[%d] = %g, want %g", names[i], j, got[j], want[j])
			}
		}
	}
	return nil
}

// selfTestWeight is the weight of element i (flat index) in weightedSum's loss.
func selfTestWeight(i int) float32 { return float32(i%7+1) / 7 }

// weightedSum returns sum_i weight(i) * y_flat[i] (see selfTestWeight).
func weightedSum(y *graph.Node) *graph.Node {
	size := y.Shape().Size()
	wv := make([]float32, size)
	for i := range wv {
		wv[i] = selfTestWeight(i)
	}
	c := graph.ConstTensor(y.Graph(), tensors.FromFlatDataAndDimensions(wv, y.Shape().Dimensions...))
	return graph.ReduceAllSum(graph.Mul(y, c))
}

// refSelfTest computes with plain loops what selfTest's graph returns: the convolution, max
// pooling, average pooling (padding counted), and the gradients of the weighted loss with
// respect to x, w and b.
func refSelfTest(xv, wv, bv []float32, xd [4]int, wd [2]int, conv cnn.ConvConfig,
	maxCfg, avgCfg cnn.PoolConfig) [8][]float32 {
	n, ci, h, w := xd[0], xd[1], xd[2], xd[3]
	co, k := wd[0], wd[1]
	sh, sw, ph, pw := conv.Stride[0], conv.Stride[1], conv.Padding[0], conv.Padding[1]
	oh, ow := cnn.OutSize(h, k, ph, sh), cnn.OutSize(w, k, pw, sw)
	X := func(b, c, i, j int) int { return ((b*ci+c)*h+i)*w + j }
	y := make([]float32, n*co*oh*ow)
	dx := make([]float32, len(xv))
	dw := make([]float32, len(wv))
	db := make([]float32, co)
	for b := range n {
		for o := range co {
			for i := range oh {
				for j := range ow {
					yi := ((b*co+o)*oh+i)*ow + j
					g := selfTestWeight(yi)
					s := bv[o]
					db[o] += g
					for c := range ci {
						for u := range k {
							for v := range k {
								r, q := i*sh+u-ph, j*sw+v-pw
								if r < 0 || r >= h || q < 0 || q >= w {
									continue
								}
								wi := ((o*ci+c)*k+u)*k + v
								s += wv[wi] * xv[X(b, c, r, q)]
								dw[wi] += g * xv[X(b, c, r, q)]
								dx[X(b, c, r, q)] += g * wv[wi]
							}
						}
					}
					y[yi] = s
				}
			}
		}
	}
	pool := func(cfg cnn.PoolConfig, isMax bool) []float32 {
		kh, kw := cfg.Kernel[0], cfg.Kernel[1]
		sh, sw := cfg.Stride[0], cfg.Stride[1]
		if sh < 1 {
			sh, sw = kh, kw
		}
		ph, pw := cfg.Padding[0], cfg.Padding[1]
		oh, ow := cnn.OutSize(h, kh, ph, sh), cnn.OutSize(w, kw, pw, sw)
		out := make([]float32, n*ci*oh*ow)
		for b := range n {
			for c := range ci {
				for i := range oh {
					for j := range ow {
						oi := ((b*ci+c)*oh+i)*ow + j
						g := selfTestWeight(oi)
						best, bestAt, sum := float32(math.Inf(-1)), -1, float32(0)
						for u := range kh {
							for v := range kw {
								r, q := i*sh+u-ph, j*sw+v-pw
								if r < 0 || r >= h || q < 0 || q >= w {
									continue
								}
								val := xv[X(b, c, r, q)]
								sum += val
								if val > best {
									best, bestAt = val, X(b, c, r, q)
								}
							}
						}
						if isMax {
							out[oi] = best
							dx[bestAt] += g
						} else {
							out[oi] = sum / float32(kh*kw)
							for u := range kh {
								for v := range kw {
									r, q := i*sh+u-ph, j*sw+v-pw
									if r >= 0 && r < h && q >= 0 && q < w {
										dx[X(b, c, r, q)] += g / float32(kh*kw)
									}
								}
							}
						}
					}
				}
			}
		}
		return out
	}
	mp := pool(maxCfg, true)
	ap := pool(avgCfg, false)
	ap2 := pool(maxCfg, false) // AvgPool2DForward with max pooling's 2x2 windows
	mp2 := pool(maxCfg, true)  // MaxPool2DForward (distinct values: no ties)
	return [8][]float32{y, mp, ap, ap2, mp2, dx, dw, db}
}

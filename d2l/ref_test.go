package d2l

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/tensors"
)

// Plain Go loop references for the ops (float64 accumulation, PyTorch semantics), used by the
// randomised and fuzz tests.

// refTensor is a dense row-major array with its dimensions.
type refTensor struct {
	d []int
	v []float64
}

func newRef(d ...int) refTensor { return refTensor{d: d, v: make([]float64, size(d))} }

func refOf(t *tensors.Tensor) refTensor {
	r := refTensor{d: dims(t)}
	for _, v := range values(t) {
		r.v = append(r.v, float64(v))
	}
	return r
}

func (r refTensor) at4(a, b, c, d int) float64 {
	return r.v[((a*r.d[1]+b)*r.d[2]+c)*r.d[3]+d]
}

func (r refTensor) tensor() *tensors.Tensor {
	data := make([]float32, len(r.v))
	for i, v := range r.v {
		data[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(data, r.d...)
}

// reshaped returns r with new dimensions (same values).
func (r refTensor) reshaped(d ...int) refTensor { return refTensor{d: d, v: r.v} }

// refConv: x [n, ci, h, w], w [co, ci, kh, kw], bias [co] or nil.
func refConv(x, w refTensor, bias []float64, pad, stride [2]int) refTensor {
	n, ci, h, wd := x.d[0], x.d[1], x.d[2], x.d[3]
	co, kh, kw := w.d[0], w.d[2], w.d[3]
	oh := (h+2*pad[0]-kh)/stride[0] + 1
	ow := (wd+2*pad[1]-kw)/stride[1] + 1
	out := newRef(n, co, oh, ow)
	k := 0
	for b := range n {
		for o := range co {
			for i := range oh {
				for j := range ow {
					s := 0.0
					if bias != nil {
						s = bias[o]
					}
					for c := range ci {
						for u := range kh {
							for v := range kw {
								r, q := i*stride[0]+u-pad[0], j*stride[1]+v-pad[1]
								if r >= 0 && r < h && q >= 0 && q < wd {
									s += x.at4(b, c, r, q) * w.at4(o, c, u, v)
								}
							}
						}
					}
					out.v[k] = s
					k++
				}
			}
		}
	}
	return out
}

// refPool: x [n, c, h, w]; mode "max" (padding never wins) or "avg" (padding counted).
func refPool(x refTensor, kernel, stride, pad [2]int, mode string) refTensor {
	n, c, h, wd := x.d[0], x.d[1], x.d[2], x.d[3]
	oh := (h+2*pad[0]-kernel[0])/stride[0] + 1
	ow := (wd+2*pad[1]-kernel[1])/stride[1] + 1
	out := newRef(n, c, oh, ow)
	k := 0
	for b := range n {
		for ch := range c {
			for i := range oh {
				for j := range ow {
					acc := math.Inf(-1)
					if mode == "avg" {
						acc = 0
					}
					for u := range kernel[0] {
						for v := range kernel[1] {
							r, q := i*stride[0]+u-pad[0], j*stride[1]+v-pad[1]
							if r < 0 || r >= h || q < 0 || q >= wd {
								continue
							}
							if mode == "max" {
								acc = math.Max(acc, x.at4(b, ch, r, q))
							} else {
								acc += x.at4(b, ch, r, q)
							}
						}
					}
					if mode == "avg" {
						acc /= float64(kernel[0] * kernel[1])
					}
					out.v[k] = acc
					k++
				}
			}
		}
	}
	return out
}

// randRef draws values: mostly uniform in [-2, 2), sometimes small integers (to create ties).
func randRef(r *rand.Rand, d ...int) refTensor {
	t := newRef(d...)
	ints := r.IntN(4) == 0
	for i := range t.v {
		if ints {
			t.v[i] = float64(r.IntN(5) - 2)
		} else {
			t.v[i] = float64(float32(4*r.Float64() - 2))
		}
	}
	return t
}

// closeTo reports whether got matches want within a float32-sized tolerance.
func closeTo(want refTensor, got *tensors.Tensor) (bool, string) {
	gd := dims(got)
	if len(gd) != len(want.d) {
		return false, "rank"
	}
	for i := range gd {
		if gd[i] != want.d[i] {
			return false, "shape"
		}
	}
	for i, g := range values(got) {
		w := want.v[i]
		if math.Abs(float64(g)-w) > 1e-4*(1+math.Abs(w)) {
			return false, "values"
		}
	}
	return true, ""
}

package d2l

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/core/tensors"
)

// These helpers are the torch functions the book's chapter 6 calls. They work on the host
// (plain Go loops) and always return new float32 tensors, except Fill, which writes in place.

// Tensor converts a Go value into a float32 tensor, like torch.tensor: a number gives a scalar,
// a (nested) slice of float32, float64 or any integer type gives a tensor of the slices' shape
// (they must be rectangular), a *tensors.Tensor of any numeric dtype is converted to float32.
//
//	X := d2l.Tensor([][]float64{{0, 1, 2}, {3, 4, 5}}) // shape [2, 3]
func Tensor(value any) *tensors.Tensor {
	const fn = "d2l.Tensor"
	if value == nil {
		fail(fn, "value", "a number, a nested slice of numbers or a tensor", "nil")
	}
	if t, ok := value.(*tensors.Tensor); ok {
		if t == nil {
			fail(fn, "value", "a number, a nested slice of numbers or a tensor", "nil tensor")
		}
		return toFloat32(fn, t)
	}
	root := reflect.ValueOf(value)
	// The shape comes from the first element at each depth; walk then checks every slice.
	var shape []int
	for v := root; ; {
		for v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
			break
		}
		shape = append(shape, v.Len())
		if v.Len() == 0 {
			break
		}
		v = v.Index(0)
	}
	data := make([]float32, 0, size(shape))
	var walk func(v reflect.Value, depth int)
	walk = func(v reflect.Value, depth int) {
		for v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		isSlice := v.Kind() == reflect.Slice || v.Kind() == reflect.Array
		switch {
		case isSlice && depth < len(shape) && v.Len() == shape[depth]:
			for i := range v.Len() {
				walk(v.Index(i), depth+1)
			}
		case isSlice || depth != len(shape):
			fail(fn, "value", "a rectangular nested slice", "a ragged nested slice (first element's shape %v)", shape)
		default:
			data = append(data, float32(toFloat(fn, v)))
		}
	}
	walk(root, 0)
	return tensors.FromFlatDataAndDimensions(data, shape...)
}

// toFloat converts a numeric reflect.Value to float64.
func toFloat(fn string, v reflect.Value) float64 {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint())
	case reflect.Bool:
		if v.Bool() {
			return 1
		}
		return 0
	}
	fail(fn, "value", "numbers", "an element of type %s", v.Type())
	return 0
}

// toFloat32 returns a float32 copy of t.
func toFloat32(fn string, t *tensors.Tensor) *tensors.Tensor {
	d := dims(t)
	out := make([]float32, t.Shape().Size())
	var err error
	t.MustConstFlatData(func(flat any) {
		fv := reflect.ValueOf(flat)
		if fv.Kind() != reflect.Slice {
			err = fmt.Errorf("dtype %s", t.DType())
			return
		}
		for i := range fv.Len() {
			el := fv.Index(i)
			switch el.Kind() {
			case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32,
				reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Bool:
				out[i] = float32(toFloat(fn, el))
			default:
				err = fmt.Errorf("dtype %s", t.DType())
				return
			}
		}
	})
	if err != nil {
		fail(fn, "value", "a tensor of a real numeric dtype", "%v", err)
	}
	return tensors.FromFlatDataAndDimensions(out, d...)
}

// values returns a copy of the float32 data of t (validated by the caller).
func values(t *tensors.Tensor) []float32 {
	return tensors.MustCopyFlatData[float32](t)
}

// fromValues builds a float32 tensor from data and dims.
func fromValues(data []float32, d ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(data, d...)
}

// checkShapeArg validates a list of dimensions given to a constructor.
func checkShapeArg(fn string, shape []int) {
	for _, d := range shape {
		if d < 0 {
			fail(fn, "shape", "non-negative dimensions", "%v", shape)
		}
	}
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Arange returns 0, 1, ..., n-1 as float32, like torch.arange(n, dtype=torch.float32); with a
// shape it is reshaped (like .reshape(shape)), e.g. Arange(16, 1, 1, 4, 4) is [1, 1, 4, 4].
func Arange(n int, shape ...int) *tensors.Tensor {
	if n < 0 {
		fail("d2l.Arange", "n", "n >= 0", "%d", n)
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(i)
	}
	t := fromValues(data, n)
	if len(shape) > 0 {
		return reshape("d2l.Arange", t, shape)
	}
	return t
}

// Full returns a tensor of the given shape filled with value (torch.full).
func Full(value float64, shape ...int) *tensors.Tensor {
	checkShapeArg("d2l.Full", shape)
	data := make([]float32, size(shape))
	for i := range data {
		data[i] = float32(value)
	}
	return fromValues(data, shape...)
}

// Ones returns a tensor of ones of the given shape (torch.ones); no shape gives a scalar.
func Ones(shape ...int) *tensors.Tensor {
	checkShapeArg("d2l.Ones", shape)
	return Full(1, shape...)
}

// Zeros returns a tensor of zeros of the given shape (torch.zeros); no shape gives a scalar.
func Zeros(shape ...int) *tensors.Tensor {
	checkShapeArg("d2l.Zeros", shape)
	return Full(0, shape...)
}

var rng = struct {
	sync.Mutex
	r *rand.Rand
}{r: newRand(0)}

func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Seed resets the random generator behind Rand, Randn and the initial weights of new layers
// (torch.manual_seed). The generator starts as if Seed(0) had been called, so a program's
// random numbers are the same from run to run.
func Seed(seed int64) {
	rng.Lock()
	defer rng.Unlock()
	rng.r = newRand(uint64(seed))
}

// randFill fills n values drawn by draw under the generator's lock.
func randFill(n int, draw func(r *rand.Rand) float64) []float32 {
	rng.Lock()
	defer rng.Unlock()
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(draw(rng.r))
	}
	return data
}

// Rand returns uniform random numbers in [0, 1) of the given shape (torch.rand).
func Rand(shape ...int) *tensors.Tensor {
	checkShapeArg("d2l.Rand", shape)
	return fromValues(randFill(size(shape), (*rand.Rand).Float64), shape...)
}

// Randn returns standard normal random numbers of the given shape (torch.randn).
func Randn(shape ...int) *tensors.Tensor {
	checkShapeArg("d2l.Randn", shape)
	return fromValues(randFill(size(shape), (*rand.Rand).NormFloat64), shape...)
}

// uniform returns numbers uniform in [-bound, bound) (PyTorch's default layer initialisation).
func uniform(bound float64, shape ...int) *tensors.Tensor {
	return fromValues(randFill(size(shape), func(r *rand.Rand) float64 { return (2*r.Float64() - 1) * bound }), shape...)
}

// Reshape returns t's values with a new shape (t.reshape(shape)); one dimension may be -1 and is
// then inferred. The number of elements must not change.
func Reshape(t *tensors.Tensor, shape ...int) *tensors.Tensor {
	checkTensor("d2l.Reshape", "t", t, "a tensor")
	return reshape("d2l.Reshape", t, shape)
}

func reshape(fn string, t *tensors.Tensor, shape []int) *tensors.Tensor {
	shape = slices.Clone(shape)
	n := t.Shape().Size()
	infer := -1
	known := 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			fail(fn, "shape", "non-negative dimensions and at most one -1", "%v", shape)
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			fail(fn, "shape", fmt.Sprintf("a shape with %d elements", n), "%v", shape)
		}
		shape[infer] = n / known
		known *= shape[infer]
	}
	if known != n {
		fail(fn, "shape", fmt.Sprintf("a shape with %d elements (input %v)", n, t.Shape().Dimensions), "%v (%d elements)", shape, known)
	}
	return fromValues(values(t), shape...)
}

// T returns the transpose of a 2-D tensor [h, w] -> [w, h] (t.T).
func T(t *tensors.Tensor) *tensors.Tensor {
	d := checkTensor("d2l.T", "t", t, "rank 2 [h, w]", 2)
	h, w := d[0], d[1]
	in := values(t)
	out := make([]float32, len(in))
	for i := range h {
		for j := range w {
			out[j*h+i] = in[i*w+j]
		}
	}
	return fromValues(out, w, h)
}

// Flip reverses the last two axes of t (rank >= 2), torch.flip(t, [-2, -1]): flipping a kernel
// this way turns cross-correlation into convolution.
func Flip(t *tensors.Tensor) *tensors.Tensor {
	d := checkTensor("d2l.Flip", "t", t, "rank >= 2 [..., h, w]")
	if len(d) < 2 {
		fail("d2l.Flip", "t", "rank >= 2 [..., h, w]", "%s", shapeDesc(t))
	}
	h, w := d[len(d)-2], d[len(d)-1]
	in := values(t)
	out := make([]float32, len(in))
	for b := 0; b < len(in); b += h * w {
		for i := range h {
			for j := range w {
				out[b+i*w+j] = in[b+(h-1-i)*w+(w-1-j)]
			}
		}
	}
	return fromValues(out, d...)
}

// AddScalar returns t + c element-wise.
func AddScalar(t *tensors.Tensor, c float64) *tensors.Tensor {
	checkTensor("d2l.AddScalar", "t", t, "a tensor")
	in := values(t)
	for i := range in {
		in[i] += float32(c)
	}
	return fromValues(in, dims(t)...)
}

// MulScalar returns t * c element-wise.
func MulScalar(t *tensors.Tensor, c float64) *tensors.Tensor {
	checkTensor("d2l.MulScalar", "t", t, "a tensor")
	in := values(t)
	for i := range in {
		in[i] *= float32(c)
	}
	return fromValues(in, dims(t)...)
}

// Add returns a + b element-wise, with NumPy/PyTorch broadcasting (e.g. [2, 3] + [3], or a
// scalar tensor).
func Add(a, b *tensors.Tensor) *tensors.Tensor {
	return broadcastOp("d2l.Add", a, b, func(x, y float32) float32 { return x + y })
}

// Sub returns a - b element-wise, with broadcasting.
func Sub(a, b *tensors.Tensor) *tensors.Tensor {
	return broadcastOp("d2l.Sub", a, b, func(x, y float32) float32 { return x - y })
}

// Mul returns a * b element-wise (not a matrix product), with broadcasting.
func Mul(a, b *tensors.Tensor) *tensors.Tensor {
	return broadcastOp("d2l.Mul", a, b, func(x, y float32) float32 { return x * y })
}

func broadcastOp(fn string, a, b *tensors.Tensor, op func(x, y float32) float32) *tensors.Tensor {
	da := checkTensor(fn, "a", a, "a tensor")
	db := checkTensor(fn, "b", b, "a tensor")
	rank := max(len(da), len(db))
	pa, pb := padDims(da, rank), padDims(db, rank)
	out := make([]int, rank)
	for i := range rank {
		switch {
		case pa[i] == pb[i] || pb[i] == 1:
			out[i] = pa[i]
		case pa[i] == 1:
			out[i] = pb[i]
		default:
			fail(fn, "b", fmt.Sprintf("a shape broadcastable with a's %v", da), "shape %v", db)
		}
	}
	va, vb := values(a), values(b)
	sa, sb := bstrides(pa), bstrides(pb)
	res := make([]float32, size(out))
	idx := make([]int, rank)
	for k := range res {
		ia, ib := 0, 0
		for ax := range rank {
			ia += idx[ax] * sa[ax]
			ib += idx[ax] * sb[ax]
		}
		res[k] = op(va[ia], vb[ib])
		for ax := rank - 1; ax >= 0; ax-- {
			idx[ax]++
			if idx[ax] < out[ax] {
				break
			}
			idx[ax] = 0
		}
	}
	return fromValues(res, out...)
}

func padDims(d []int, rank int) []int {
	p := make([]int, rank)
	for i := range p {
		p[i] = 1
	}
	copy(p[rank-len(d):], d)
	return p
}

// bstrides returns row-major strides with 0 for broadcast (size-1) axes.
func bstrides(d []int) []int {
	s := make([]int, len(d))
	acc := 1
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] == 1 {
			s[i] = 0
		} else {
			s[i] = acc
		}
		acc *= d[i]
	}
	return s
}

// Cat concatenates tensors along axis (torch.cat(ts, dim=axis)); all other dimensions must
// match. Negative axis counts from the end.
func Cat(axis int, ts ...*tensors.Tensor) *tensors.Tensor {
	return join("d2l.Cat", axis, false, ts)
}

// Stack stacks tensors of equal shape along a new axis (torch.stack(ts, dim=axis)); for shapes
// [2, 2, 2] and three tensors with axis 0 the result is [3, 2, 2, 2].
func Stack(axis int, ts ...*tensors.Tensor) *tensors.Tensor {
	return join("d2l.Stack", axis, true, ts)
}

func join(fn string, axis int, newAxis bool, ts []*tensors.Tensor) *tensors.Tensor {
	if len(ts) == 0 {
		fail(fn, "ts", "at least one tensor", "none")
	}
	parts := make([][]int, len(ts))
	for i, t := range ts {
		parts[i] = checkTensor(fn, fmt.Sprintf("ts[%d]", i), t, "a tensor")
		if newAxis {
			parts[i] = slices.Insert(parts[i], 0, 1)
		}
	}
	rank := len(parts[0])
	if newAxis {
		rank-- // axis refers to the output rank = input rank + 1
	}
	outRank := len(parts[0])
	if axis < 0 {
		axis += outRank
	}
	if axis < 0 || axis >= outRank || (!newAxis && rank == 0) {
		fail(fn, "axis", fmt.Sprintf("an axis in [%d, %d)", -outRank, outRank), "%d", axis)
	}
	// Move the size-1 new axis into place.
	if newAxis {
		for i := range parts {
			d := parts[i][1:]
			parts[i] = slices.Insert(slices.Clone(d), axis, 1)
		}
	}
	out := slices.Clone(parts[0])
	out[axis] = 0
	for i, d := range parts {
		for ax := range d {
			if ax != axis && d[ax] != parts[0][ax] {
				fail(fn, fmt.Sprintf("ts[%d]", i), fmt.Sprintf("shape matching ts[0] %v except on axis %d", dims(ts[0]), axis), "shape %v", dims(ts[i]))
			}
		}
		out[axis] += d[axis]
	}
	outer := size(out[:axis])
	res := make([]float32, 0, size(out))
	vals := make([][]float32, len(ts))
	for i, t := range ts {
		vals[i] = values(t)
	}
	for o := range outer {
		for i, d := range parts {
			chunk := size(d[axis:])
			res = append(res, vals[i][o*chunk:(o+1)*chunk]...)
		}
	}
	return fromValues(res, out...)
}

// Sum returns the sum of all elements of t (t.sum().item()).
func Sum(t *tensors.Tensor) float64 {
	checkTensor("d2l.Sum", "t", t, "a tensor")
	var s float64
	for _, v := range values(t) {
		s += float64(v)
	}
	return s
}

// Item returns the value of a tensor with exactly one element (t.item()).
func Item(t *tensors.Tensor) float64 {
	checkTensor("d2l.Item", "t", t, "a tensor with one element")
	if t.Shape().Size() != 1 {
		fail("d2l.Item", "t", "a tensor with one element", "%s", shapeDesc(t))
	}
	return float64(values(t)[0])
}

// Abs returns |t| element-wise.
func Abs(t *tensors.Tensor) *tensors.Tensor {
	checkTensor("d2l.Abs", "t", t, "a tensor")
	in := values(t)
	for i, v := range in {
		in[i] = float32(math.Abs(float64(v)))
	}
	return fromValues(in, dims(t)...)
}

// AllClose reports whether a and b have the same shape and |a-b| <= tol element-wise.
func AllClose(a, b *tensors.Tensor, tol float64) bool {
	da := checkTensor("d2l.AllClose", "a", a, "a tensor")
	db := checkTensor("d2l.AllClose", "b", b, "a tensor")
	if !slices.Equal(da, db) {
		return false
	}
	vb := values(b)
	for i, v := range values(a) {
		if !(math.Abs(float64(v)-float64(vb[i])) <= tol) && !(math.IsInf(float64(v), 0) && v == vb[i]) {
			return false
		}
	}
	return true
}

// All is a range for Fill meaning "the whole axis" (Python's ":").
var All = [2]int{0, math.MaxInt}

// Fill sets, in place, the block of t selected by ranges to value, like X[:, 2:6] = 0 in Python:
//
//	X := d2l.Ones(6, 8)
//	d2l.Fill(X, 0, d2l.All, [2]int{2, 6})
//
// Each range is [start, end) along one axis (negative values count from the end, ends are
// clipped); axes without a range are taken whole.
func Fill(t *tensors.Tensor, value float64, ranges ...[2]int) {
	const fn = "d2l.Fill"
	d := checkTensor(fn, "t", t, "a tensor")
	if len(ranges) > len(d) {
		fail(fn, "ranges", fmt.Sprintf("at most %d ranges (one per axis)", len(d)), "%d ranges", len(ranges))
	}
	lo, hi := make([]int, len(d)), slices.Clone(d)
	for ax, r := range ranges {
		s, e := r[0], r[1]
		if s < 0 {
			s += d[ax]
		}
		if e < 0 {
			e += d[ax]
		}
		lo[ax], hi[ax] = max(0, min(s, d[ax])), max(0, min(e, d[ax]))
	}
	tensors.MustMutableFlatData(t, func(flat []float32) {
		for k := range flat {
			idx := unflatten(k, d)
			in := true
			for ax, i := range idx {
				if i < lo[ax] || i >= hi[ax] {
					in = false
					break
				}
			}
			if in {
				flat[k] = float32(value)
			}
		}
	})
}

// Shape is a tensor's shape; it prints as PyTorch's torch.Size: torch.Size([1, 1, 8, 8]).
type Shape []int

// String returns "torch.Size([d0, d1, ...])".
func (s Shape) String() string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "torch.Size([" + strings.Join(parts, ", ") + "])"
}

// Size returns t's shape (t.shape / t.size()), printing as torch.Size([...]).
func Size(t *tensors.Tensor) Shape {
	if t == nil {
		fail("d2l.Size", "t", "a tensor", "nil")
	}
	return Shape(dims(t))
}

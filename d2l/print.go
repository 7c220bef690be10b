package d2l

import (
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Printing follows PyTorch 1.13's defaults (precision 4, line width 80, summarising tensors of
// more than 1000 elements to 3 edge items per axis), so notebook output can be compared with the
// book's page line by line.

const (
	printPrecision = 4
	printLineWidth = 80
	printThreshold = 1000
	printEdgeItems = 3
)

// output is where Print writes; nil (the default) means the current os.Stdout.
var output struct {
	sync.Mutex
	w io.Writer
}

// SetOutput makes Print (and TrainCh6's summary lines) write to w; nil, the default, means the
// current os.Stdout. It returns the writer used before, to restore it:
//
//	defer d2l.SetOutput(d2l.SetOutput(&buf))
//
// Safe for concurrent use: Print writes each line whole, under a lock.
func SetOutput(w io.Writer) (previous io.Writer) {
	output.Lock()
	defer output.Unlock()
	previous, output.w = output.w, w
	return previous
}

// Print writes its arguments like Python's print: separated by one space, ending with a newline.
// Tensors print as PyTorch prints them (see Format), Shape as torch.Size([...]), float64/float32
// as Python floats (3.0, 0.1), bools as True/False, and anything else with fmt's %v.
//
//	d2l.Print(d2l.Corr2D(X, K))
//	// tensor([[19., 25.],
//	//         [37., 43.]])
func Print(args ...any) {
	line := Sprint(args...) + "\n"
	output.Lock()
	defer output.Unlock()
	w := output.w
	if w == nil {
		w = os.Stdout
	}
	_, _ = io.WriteString(w, line)
}

// Sprint returns what Print would print, without the final newline.
func Sprint(args ...any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = pyStr(a)
	}
	return strings.Join(parts, " ")
}

// pyStr formats one value as Python's str() would.
func pyStr(a any) string {
	switch v := a.(type) {
	case *tensors.Tensor:
		if v == nil {
			return "None"
		}
		return Format(v)
	case nil:
		return "None"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case float64:
		return pyFloat(v, 64)
	case float32:
		return pyFloat(float64(v), 32)
	case fmt.Stringer:
		return v.String()
	case error:
		return v.Error()
	}
	return fmt.Sprint(a)
}

// nonFinite spells NaN and the infinities as Python and PyTorch print them ("nan", "inf",
// "-inf"); ok is false for finite v.
func nonFinite(v float64) (s string, ok bool) {
	switch {
	case math.IsNaN(v):
		return "nan", true
	case math.IsInf(v, 1):
		return "inf", true
	case math.IsInf(v, -1):
		return "-inf", true
	}
	return "", false
}

// pyFloat formats like Python's repr(float): shortest round-trip digits, at least one decimal,
// exponent notation below 1e-4 and from 1e16 on.
func pyFloat(v float64, bits int) string {
	if s, ok := nonFinite(v); ok {
		return s
	}
	if v == 0 {
		if math.Signbit(v) {
			return "-0.0"
		}
		return "0.0"
	}
	exp := int(math.Floor(math.Log10(math.Abs(v))))
	if exp < -4 || exp >= 16 {
		s := strconv.FormatFloat(v, 'e', -1, bits)
		mant, e, _ := strings.Cut(s, "e")
		// Python writes e-05 / e+16: at least two exponent digits, as Go does.
		return mant + "e" + e
	}
	s := strconv.FormatFloat(v, 'f', -1, bits)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// Format returns t as PyTorch's print shows it: tensor([[19., 25.],\n        [37., 43.]]).
// Floats use 4 decimals unless all values are integers ("19."); large ranges switch to
// scientific notation; columns are right-aligned to the widest value; tensors of more than 1000
// elements are summarised with "..."; dtypes other than float32, int64 and bool are named as in
// PyTorch (", dtype=torch.float64").
func Format(t *tensors.Tensor) string {
	if t == nil {
		return "None"
	}
	const prefix = "tensor("
	indent := len(prefix)
	d := dims(t)
	n := t.Shape().Size()
	var suffixes []string
	var body string
	kind, flat := tensorValues(t)
	if n == 0 {
		if len(d) != 1 {
			suffixes = append(suffixes, "size=("+tupleStr(d)+")")
		}
		body = "[]"
	} else {
		summarize := n > printThreshold
		f := newFormatter(kind, summarizedValues(flat, d, summarize))
		body = formatND(flat, d, indent, summarize, f)
	}
	if name := torchDTypeName(t.DType()); name != "" {
		suffixes = append(suffixes, "dtype="+name)
	}
	return addSuffixes(prefix+body, suffixes, indent)
}

func tupleStr(d []int) string {
	parts := make([]string, len(d))
	for i, v := range d {
		parts[i] = strconv.Itoa(v)
	}
	if len(d) == 1 {
		return parts[0] + ","
	}
	return strings.Join(parts, ", ")
}

// torchDTypeName returns the dtype suffix PyTorch shows ("" for float32, int64 and bool).
func torchDTypeName(dt dtypes.DType) string {
	switch dt {
	case dtypes.Float32, dtypes.Int64, dtypes.Bool:
		return ""
	case dtypes.Float64:
		return "torch.float64"
	case dtypes.Float16:
		return "torch.float16"
	case dtypes.BFloat16:
		return "torch.bfloat16"
	case dtypes.Int32:
		return "torch.int32"
	case dtypes.Int16:
		return "torch.int16"
	case dtypes.Int8:
		return "torch.int8"
	case dtypes.Uint8:
		return "torch.uint8"
	}
	return "torch." + strings.ToLower(dt.String())
}

func addSuffixes(s string, suffixes []string, indent int) string {
	var b strings.Builder
	b.WriteString(s)
	lastLineLen := len(s) - strings.LastIndexByte(s, '\n') + 1
	for _, suf := range suffixes {
		if lastLineLen+len(suf)+2 > printLineWidth {
			b.WriteString(",\n" + strings.Repeat(" ", indent) + suf)
			lastLineLen = indent + len(suf)
		} else {
			b.WriteString(", " + suf)
			lastLineLen += len(suf) + 2
		}
	}
	b.WriteString(")")
	return b.String()
}

type valueKind int

const (
	kindFloat valueKind = iota
	kindInt
	kindBool
)

// tensorValues returns t's elements as float64 (exact for float32, float64 and integers up to
// 2^53) and their kind.
func tensorValues(t *tensors.Tensor) (valueKind, []float64) {
	kind := kindFloat
	switch {
	case t.DType() == dtypes.Bool:
		kind = kindBool
	case t.DType().IsInt():
		kind = kindInt
	}
	var out []float64
	t.MustConstFlatData(func(flat any) {
		fv := reflect.ValueOf(flat)
		out = make([]float64, fv.Len())
		for i := range out {
			el := fv.Index(i)
			switch el.Kind() {
			case reflect.Float32, reflect.Float64:
				out[i] = el.Float()
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				out[i] = float64(el.Int())
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				out[i] = float64(el.Uint())
			case reflect.Bool:
				if el.Bool() {
					out[i] = 1
				}
			default:
				// Half precision types implement Float32() in GoMLX.
				if m := el.MethodByName("Float32"); m.IsValid() {
					out[i] = m.Call(nil)[0].Float()
				}
			}
		}
	})
	return kind, out
}

// summarizedValues returns the values PyTorch looks at to choose the number format: all of them,
// or only the edge items when summarising.
func summarizedValues(flat []float64, d []int, summarize bool) []float64 {
	if !summarize || len(d) == 0 {
		return flat
	}
	var out []float64
	var rec func(off int, axis int)
	strides := make([]int, len(d))
	acc := 1
	for i := len(d) - 1; i >= 0; i-- {
		strides[i] = acc
		acc *= d[i]
	}
	rec = func(off, axis int) {
		if axis == len(d) {
			out = append(out, flat[off])
			return
		}
		for _, i := range edgeIndices(d[axis], true) {
			if i >= 0 {
				rec(off+i*strides[axis], axis+1)
			}
		}
	}
	rec(0, 0)
	return out
}

// edgeIndices lists the indices printed along an axis of size n; -1 marks the "..." gap.
func edgeIndices(n int, summarize bool) []int {
	if summarize && n > 2*printEdgeItems {
		idx := make([]int, 0, 2*printEdgeItems+1)
		for i := range printEdgeItems {
			idx = append(idx, i)
		}
		idx = append(idx, -1)
		for i := n - printEdgeItems; i < n; i++ {
			idx = append(idx, i)
		}
		return idx
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// formatter mirrors torch._tensor_str._Formatter.
type formatter struct {
	kind     valueKind
	intMode  bool
	sciMode  bool
	maxWidth int
}

func newFormatter(kind valueKind, vals []float64) *formatter {
	f := &formatter{kind: kind, intMode: true, maxWidth: 1}
	if kind != kindFloat {
		for _, v := range vals {
			f.maxWidth = max(f.maxWidth, len(f.format(v)))
		}
		return f
	}
	var nz []float64
	for _, v := range vals {
		if isFinite(v) && v != 0 {
			nz = append(nz, v)
		}
	}
	if len(nz) == 0 {
		return f
	}
	minAbs, maxAbs := math.Inf(1), 0.0
	for _, v := range nz {
		a := math.Abs(v)
		minAbs, maxAbs = math.Min(minAbs, a), math.Max(maxAbs, a)
		if v != math.Ceil(v) {
			f.intMode = false
		}
	}
	if f.intMode {
		if maxAbs/minAbs > 1000 || maxAbs > 1e8 {
			f.sciMode = true
		}
	} else if maxAbs/minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4 {
		f.sciMode = true
	}
	for _, v := range nz {
		f.maxWidth = max(f.maxWidth, len(f.raw(v)))
	}
	return f
}

// raw formats v without padding.
func (f *formatter) raw(v float64) string {
	switch f.kind {
	case kindBool:
		if v != 0 {
			return "True"
		}
		return "False"
	case kindInt:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	if s, ok := nonFinite(v); ok {
		return s
	}
	switch {
	case f.sciMode:
		return strconv.FormatFloat(v, 'e', printPrecision, 64)
	case f.intMode:
		return strconv.FormatFloat(v, 'f', 0, 64) + "."
	}
	return strconv.FormatFloat(v, 'f', printPrecision, 64)
}

// format formats v right-aligned to the common width.
func (f *formatter) format(v float64) string {
	s := f.raw(v)
	if pad := f.maxWidth - len(s); pad > 0 {
		s = strings.Repeat(" ", pad) + s
	}
	return s
}

// formatND mirrors torch._tensor_str._tensor_str_with_formatter.
func formatND(flat []float64, d []int, indent int, summarize bool, f *formatter) string {
	if len(d) == 0 {
		return f.format(flat[0])
	}
	if len(d) == 1 {
		return formatVector(flat, indent, summarize, f)
	}
	inner := size(d[1:])
	var slices []string
	for _, i := range edgeIndices(d[0], summarize) {
		if i < 0 {
			slices = append(slices, "...")
			continue
		}
		slices = append(slices, formatND(flat[i*inner:(i+1)*inner], d[1:], indent+1, summarize, f))
	}
	sep := "," + strings.Repeat("\n", len(d)-1) + strings.Repeat(" ", indent+1)
	return "[" + strings.Join(slices, sep) + "]"
}

// formatVector mirrors torch._tensor_str._vector_str: as many elements per line as fit in 80
// columns.
func formatVector(flat []float64, indent int, summarize bool, f *formatter) string {
	elementLength := f.maxWidth + 2
	perLine := max(1, (printLineWidth-indent)/elementLength)
	var data []string
	for _, i := range edgeIndices(len(flat), summarize) {
		if i < 0 {
			data = append(data, " ...")
			continue
		}
		data = append(data, f.format(flat[i]))
	}
	var lines []string
	for i := 0; i < len(data); i += perLine {
		lines = append(lines, strings.Join(data[i:min(i+perLine, len(data))], ", "))
	}
	return "[" + strings.Join(lines, ",\n"+strings.Repeat(" ", indent+1)) + "]"
}

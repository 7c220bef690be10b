package d2l

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// printCase is one entry of testdata/print_cases.json, written by testdata/gen_print_cases.py
// from PyTorch's own str(tensor).
type printCase struct {
	Name   string `json:"name"`
	DType  string `json:"dtype"`
	Shape  []int  `json:"shape"`
	Values []any  `json:"values"`
	Want   string `json:"want"`
}

func (c printCase) floats(t *testing.T) []float64 {
	out := make([]float64, len(c.Values))
	for i, v := range c.Values {
		switch x := v.(type) {
		case float64:
			out[i] = x
		case string:
			switch x {
			case "nan":
				out[i] = math.NaN()
			case "inf":
				out[i] = math.Inf(1)
			case "-inf":
				out[i] = math.Inf(-1)
			case "-0":
				out[i] = math.Copysign(0, -1)
			default:
				t.Fatalf("case %s: bad value %q", c.Name, x)
			}
		default:
			t.Fatalf("case %s: bad value %v", c.Name, v)
		}
	}
	return out
}

// tensor builds the case's tensor with the dtype PyTorch used.
func (c printCase) tensor(t *testing.T) *tensors.Tensor {
	vals := c.floats(t)
	switch c.DType {
	case "float32":
		data := make([]float32, len(vals))
		for i, v := range vals {
			data[i] = float32(v)
		}
		return tensors.FromFlatDataAndDimensions(data, c.Shape...)
	case "float64":
		return tensors.FromFlatDataAndDimensions(vals, c.Shape...)
	case "int64":
		data := make([]int64, len(vals))
		for i, v := range vals {
			data[i] = int64(v)
		}
		return tensors.FromFlatDataAndDimensions(data, c.Shape...)
	case "int32":
		data := make([]int32, len(vals))
		for i, v := range vals {
			data[i] = int32(v)
		}
		return tensors.FromFlatDataAndDimensions(data, c.Shape...)
	case "bool":
		data := make([]bool, len(vals))
		for i, v := range vals {
			data[i] = v != 0
		}
		return tensors.FromFlatDataAndDimensions(data, c.Shape...)
	}
	t.Fatalf("case %s: dtype %q not handled", c.Name, c.DType)
	return nil
}

// TestFormatMatchesPyTorch compares Format with what PyTorch 1.13 printed for the same tensors
// (negatives, mixed widths, 4-D, bool, int, zeros, -0., nan/inf, scientific notation, empty
// tensors, line wrapping and summarisation of large tensors).
func TestFormatMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/print_cases.json")
	require.NoError(t, err)
	var file struct {
		Cases []printCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(raw, &file))
	require.GreaterOrEqual(t, len(file.Cases), 40)
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			assert.Equal(t, c.Want, Format(c.tensor(t)))
		})
	}
}

func TestSprint(t *testing.T) {
	tests := []struct {
		name string
		args []any
		want string
	}{
		{"tensor and shape", []any{Tensor([]float32{1, 2}), Size(Zeros(2, 3))}, "tensor([1., 2.]) torch.Size([2, 3])"},
		{"python floats", []any{0.1, 3.0, float32(0.1), math.Copysign(0, -1), 1e-5, 1e16, 123456.5}, "0.1 3.0 0.1 -0.0 1e-05 1e+16 123456.5"},
		{"nonfinite floats", []any{math.NaN(), math.Inf(1), math.Inf(-1)}, "nan inf -inf"},
		{"bools, nil, ints, strings", []any{true, false, nil, 42, "epoch"}, "True False None 42 epoch"},
		{"nil tensor", []any{(*tensors.Tensor)(nil)}, "None"},
		{"scalar shape", []any{Size(Tensor(1.5))}, "torch.Size([])"},
		{"error", []any{&Error{Func: "d2l.X", Got: "a", Want: "b"}}, "d2l.X: got a, want b"},
		{"empty", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Sprint(tc.args...))
		})
	}
}

func TestFormatOtherDTypes(t *testing.T) {
	// A dtype PyTorch lacks still prints, named after GoMLX's dtype.
	u := tensors.FromFlatDataAndDimensions([]uint16{1, 2}, 2)
	assert.Equal(t, dtypes.Uint16, u.DType())
	assert.Equal(t, "tensor([1, 2], dtype=torch.uint16)", Format(u))
}

func BenchmarkFormat(b *testing.B) {
	X := Randn(6, 8)
	for b.Loop() {
		Format(X)
	}
}

package chapter6_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// bookCase is one entry of d2l/testdata/book_outputs.json (the fields this test reads).
type bookCase struct {
	ID        string          `json:"id"`
	Section   string          `json:"section"`
	Op        string          `json:"op"`
	Expected  json.RawMessage `json:"expected"`
	BookShows bool            `json:"book_shows"`
}

// sectionRe takes the zh section number ("zh 6.2.1 / en 7.2.1" -> "6.2").
var sectionRe = regexp.MustCompile(`^zh (6\.\d)`)

// TestBookValuesAppear checks the promise of the notebooks: every value that the book prints
// for a section (book_shows: true) appears, in the book's print format, in the committed
// stdout of that section's notebook. The expected text is rendered from the reference
// numbers by d2l.Format / torch.Size, never typed here.
func TestBookValuesAppear(t *testing.T) {
	data, err := os.ReadFile("../d2l/testdata/book_outputs.json")
	require.NoError(t, err)
	var ref struct {
		Cases []bookCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(data, &ref))
	stdout := map[string]string{} // section ("6.2") -> all stdout of its notebook
	paths, err := filepath.Glob(filepath.Join("..", "notebooks", "6.*.ipynb"))
	require.NoError(t, err)
	for _, p := range paths {
		nb, err := notebook.ReadFile(p)
		require.NoError(t, err)
		var sb strings.Builder
		for _, c := range nb.Cells {
			sb.WriteString(c.StreamText("stdout"))
		}
		stdout[strings.SplitN(filepath.Base(p), "-", 2)[0]] = sb.String()
	}
	checked := 0
	for _, c := range ref.Cases {
		if !c.BookShows {
			continue
		}
		m := sectionRe.FindStringSubmatch(c.Section)
		require.NotNil(t, m, "case %s: section %q", c.ID, c.Section)
		out, ok := stdout[m[1]]
		if !assert.True(t, ok, "case %s: no notebook for section %s", c.ID, m[1]) {
			continue
		}
		for _, want := range renderBookValue(t, c) {
			assert.True(t, strings.Contains(out, want), "case %s (%s): the book prints\n%s\nbut notebook %s does not", c.ID, c.Op, want, m[1])
		}
		checked++
	}
	assert.GreaterOrEqual(t, checked, 20, "book values checked")
}

// renderBookValue returns the text(s) the book prints for a case.
func renderBookValue(t *testing.T, c bookCase) []string {
	switch c.Op {
	case "conv2d_shape", "stack_shape":
		var dims []int
		require.NoError(t, json.Unmarshal(c.Expected, &dims))
		return []string{torchSize(dims)}
	case "conv2d_shape_chain":
		// The book states it in prose ("200 x 200"); the notebook computes the shape.
		var dims []int
		require.NoError(t, json.Unmarshal(c.Expected, &dims))
		return []string{fmt.Sprint(dims[0])}
	case "lenet_shapes":
		var layers [][2]json.RawMessage
		require.NoError(t, json.Unmarshal(c.Expected, &layers))
		var lines []string
		for _, l := range layers {
			var name string
			var dims []int
			require.NoError(t, json.Unmarshal(l[0], &name))
			require.NoError(t, json.Unmarshal(l[1], &dims))
			// The book's print(name, 'output shape: \t', X.shape), with its label in Chinese as
			// everything a reader sees (d2l.Print puts a space on each side of the label).
			lines = append(lines, name+" 输出形状:\t "+torchSize(dims))
		}
		return lines
	default:
		var v any
		require.NoError(t, json.Unmarshal(c.Expected, &v))
		var dims []int
		var flat []float32
		flatten(v, 0, &dims, &flat)
		return []string{d2l.Format(tensors.FromFlatDataAndDimensions(flat, dims...))}
	}
}

// torchSize renders dims as PyTorch prints a shape.
func torchSize(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = fmt.Sprint(d)
	}
	return "torch.Size([" + strings.Join(s, ", ") + "])"
}

// flatten walks a nested JSON array, recording its dimensions and its numbers in order.
func flatten(v any, depth int, dims *[]int, flat *[]float32) {
	switch x := v.(type) {
	case []any:
		if len(*dims) == depth {
			*dims = append(*dims, len(x))
		}
		for _, e := range x {
			flatten(e, depth+1, dims, flat)
		}
	case float64:
		*flat = append(*flat, float32(x))
	}
}

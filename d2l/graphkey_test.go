package d2l

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/d2l-go/d2l-go/d2l/internal/recgen"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEvalKeySeesEveryParameter is the probe of Eval returning another graph's result:
// graphs that differ only in a parameter a debug string leaves out (Sort's axis, which branch of
// If is which) or that look alike in shape (a transpose of a square matrix, a reduction over
// one of two equal axes, a strided slice) each get their own result.
func TestEvalKeySeesEveryParameter(t *testing.T) {
	X := Tensor([][]float32{{3, 1}, {2, 4}})
	if Backend().Capabilities().Functions { // Sort and If need closures (not on ONNX Runtime)
		testSortAndIfKeys(t, X)
	}

	perm := []int{0, 1}
	transpose := func(x *graph.Node) *graph.Node { return graph.TransposeAllAxes(x, perm...) }
	assert.Equal(t, []float32{3, 1, 2, 4}, values(Eval(transpose, X)))
	perm = []int{1, 0}
	assert.Equal(t, []float32{3, 2, 1, 4}, values(Eval(transpose, X)), "a square matrix transposed")

	redAxis := 0
	reduce := func(x *graph.Node) *graph.Node { return graph.ReduceSum(x, redAxis) }
	assert.Equal(t, []float32{5, 5}, values(Eval(reduce, X)))
	redAxis = 1
	assert.Equal(t, []float32{4, 6}, values(Eval(reduce, X)), "the other of two equal axes")

	row := Tensor([]float32{0, 1, 2, 3, 4, 5})
	limit, stride := 4, 2
	slice := func(x *graph.Node) *graph.Node { return graph.Slice(x, graph.AxisRange(0, limit).Stride(stride)) }
	assert.Equal(t, []float32{0, 2}, values(Eval(slice, row)))
	limit, stride = 6, 3
	assert.Equal(t, []float32{0, 3}, values(Eval(slice, row)), "another stride, the same output shape")
}

// testSortAndIfKeys: Sort's axis and which branch of If is which are part of the key.
func testSortAndIfKeys(t *testing.T, X *tensors.Tensor) {
	axis := 0
	sortFn := func(x *graph.Node) *graph.Node { return graph.Sort(x, axis, true) }
	assert.Equal(t, []float32{2, 1, 3, 4}, values(Eval(sortFn, X)), "sorted along axis 0")
	axis = 1
	assert.Equal(t, []float32{1, 3, 2, 4}, values(Eval(sortFn, X)), "sorted along axis 1")

	a, b := Tensor([]float32{1, 2}), Tensor([]float32{10, 20})
	p := true
	branch := func(g *graph.Graph, v *graph.Node) *graph.Function {
		return graph.NewClosure(g, func(g *graph.Graph) []*graph.Node { return []*graph.Node{graph.Identity(v)} })
	}
	ifAB := func(p, a, b *graph.Node) *graph.Node {
		return graph.If(p, branch(p.Graph(), a), branch(p.Graph(), b))[0]
	}
	ifBA := func(p, a, b *graph.Node) *graph.Node {
		return graph.If(p, branch(p.Graph(), b), branch(p.Graph(), a))[0]
	}
	assert.Equal(t, []float32{1, 2}, values(Eval(ifAB, p, a, b)))
	assert.Equal(t, []float32{10, 20}, values(Eval(ifBA, p, a, b)), "the branches swapped")
}

// TestEvalLargeConstantCompilesOnce: a graph capturing a large tensor (100 000 values) compiles
// once and then sees the tensor's current values on every call (the constant is passed as a
// parameter); small captured constants are part of the key by value.
func TestEvalLargeConstantCompilesOnce(t *testing.T) {
	const n = 100000
	W := Full(1, n)
	f := func(x *graph.Node) *graph.Node { return graph.Add(x, graph.ConstTensor(x.Graph(), W)) }
	X := Zeros(n)
	compiles := evalCompiles.Load()
	for k := range 5 {
		W = Full(float64(k), n)
		got := values(Eval(f, X))
		require.Equal(t, float32(k), got[0])
		require.Equal(t, float32(k), got[n-1])
	}
	assert.Equal(t, int64(1), evalCompiles.Load()-compiles, "compiled once for five different tensors")

	c := Tensor([]float32{1, 2})
	g := func(x *graph.Node) *graph.Node { return graph.Add(x, graph.ConstTensor(x.Graph(), c)) }
	assert.Equal(t, []float32{1, 2}, values(Eval(g, Zeros(2))))
	c = Tensor([]float32{5, 6})
	assert.Equal(t, []float32{5, 6}, values(Eval(g, Zeros(2))), "a small constant, another key")
}

// TestRecorderIsGenerated: recorder_gen.go is what d2l/internal/recgen writes for the compute
// module in go.mod. A GoMLX upgrade that changes the backend API fails here (or does not
// compile) until `go generate ./d2l` is run.
func TestRecorderIsGenerated(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to load the compute module's source")
	}
	want, err := recgen.Generate()
	require.NoError(t, err)
	got, err := os.ReadFile("recorder_gen.go")
	require.NoError(t, err)
	if !bytes.Equal(want, got) {
		t.Fatal("recorder_gen.go is out of date: run go generate ./d2l")
	}
}

// TestEveryBackendMethodIsRecorded: every method of compute.Function is either generated
// (recordedOps) or written by hand in graphkey.go.
func TestEveryBackendMethodIsRecorded(t *testing.T) {
	ft := reflect.TypeFor[compute.Function]()
	for i := range ft.NumMethod() {
		name := ft.Method(i).Name
		assert.True(t, slices.Contains(recordedOps, name) || slices.Contains(recgen.HandWritten, name),
			"compute.Function.%s is not recorded", name)
	}
	assert.Len(t, recordedOps, ft.NumMethod()-len(recgen.HandWritten))
}

// nodesWithoutBackendCall are the GoMLX node types that make no call of their own to the
// backend, with the reason the key still describes them.
var nodesWithoutBackendCall = map[string]string{
	"Invalid":   "not a node",
	"SplitNode": "selects one output of a multi-output operation, whose results the key numbers one by one",
}

// TestEveryNodeTypeIsRecorded enumerates GoMLX's graph node types from the source of the
// GoMLX version in go.mod (the generated NodeType constants and the ones declared by hand,
// such as Sort, While, If and Call) and checks that each reaches the backend through a
// recorded compute.Function method of the same name, so that its parameters are in the key. A
// GoMLX version with a new node type fails here until the key describes it.
func TestEveryNodeTypeIsRecorded(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}", "github.com/gomlx/gomlx/core/graph").Output()
	if err != nil {
		t.Skipf("go list cannot find GoMLX's graph package: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	var types []string
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				for _, name := range spec.(*ast.ValueSpec).Names {
					if n, ok := strings.CutPrefix(name.Name, "NodeType"); ok && n != "" && ast.IsExported(name.Name) {
						types = append(types, n)
					}
				}
			}
		}
	}
	require.Greater(t, len(types), 100, "GoMLX's node types were found")
	for _, n := range []string{"Sort", "While", "If", "Call", "Parameter", "Constant", "ConvGeneral"} {
		require.Contains(t, types, n)
	}
	for _, n := range types {
		if _, ok := nodesWithoutBackendCall[n]; ok {
			continue
		}
		assert.True(t, slices.Contains(recordedOps, n) || slices.Contains(recgen.HandWritten, n),
			"GoMLX node type %s has no recorded backend method of that name", n)
	}
}

// TestRecorderKeys: the key distinguishes what a graph computes and nothing else: the same
// graph built twice has the same key, and a different constant, parameter shape or output
// gives another.
func TestRecorderKeys(t *testing.T) {
	key := func(build func(g *graph.Graph) []*graph.Node) string {
		name, r := newRecording(Backend(), "test", false)
		g := graph.NewGraph(recording(Backend()), name)
		r.compile = func(*recorder) (compute.Executable, bool) { return placeholder{}, true }
		require.NoError(t, g.Compile(build(g)...))
		require.Empty(t, r.uncacheable)
		return string(r.key)
	}
	x := func(g *graph.Graph, dims ...int) *graph.Node {
		return graph.Parameter(g, "x", shapes.Make(dtypes.Float32, dims...))
	}
	addOne := func(g *graph.Graph) []*graph.Node { return []*graph.Node{graph.AddScalar(x(g, 3), 1)} }
	assert.Equal(t, key(addOne), key(addOne))
	assert.NotEqual(t, key(addOne), key(func(g *graph.Graph) []*graph.Node { return []*graph.Node{graph.AddScalar(x(g, 3), 2)} }))
	assert.NotEqual(t, key(addOne), key(func(g *graph.Graph) []*graph.Node { return []*graph.Node{graph.AddScalar(x(g, 4), 1)} }))
	assert.NotEqual(t, key(addOne), key(func(g *graph.Graph) []*graph.Node {
		y := graph.AddScalar(x(g, 3), 1)
		return []*graph.Node{y, y}
	}))
}

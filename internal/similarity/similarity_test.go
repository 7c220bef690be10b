package similarity

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The report's thresholds, as the grader uses them.
const (
	testScore  = 0.5
	testTokens = 60
)

// corpus reads testdata/<ex>: the stub, independent solutions (indep_*) and
// disguised copies of indep_ana (copy_*): renamed identifiers, reordered
// functions and statements, added comments and blank lines.
func corpus(t *testing.T, ex string) (*Corpus, map[string][]byte) {
	t.Helper()
	dir := filepath.Join("testdata", ex)
	stub, err := os.ReadFile(filepath.Join(dir, "stub.go.txt"))
	require.NoError(t, err)
	paths, err := filepath.Glob(filepath.Join(dir, "*_*.go.txt"))
	require.NoError(t, err)
	sort.Strings(paths)
	c := &Corpus{}
	srcs := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		name := strings.TrimSuffix(filepath.Base(p), ".go.txt")
		srcs[name] = b
		c.Docs = append(c.Docs, NewDoc(name, b, stub, DefaultK, DefaultW))
	}
	return c, srcs
}

// TestCopiesFoundIndependentNot: on two exercises, every disguised copy of a
// solution is paired with it (and with the other copies), and no two
// independent solutions are.
func TestCopiesFoundIndependentNot(t *testing.T) {
	for _, ex := range []string{"matmul_conv", "mirror_pad"} {
		t.Run(ex, func(t *testing.T) {
			c, _ := corpus(t, ex)
			// Every pair's score, for the record (go test -v).
			for i, a := range c.Docs {
				for _, b := range c.Docs[i+1:] {
					m := Compare(a, b, nil)
					t.Logf("%-15s %-15s score %.2f, %3d tokens shared", a.Name, b.Name, m.Score, m.Tokens)
				}
			}
			found := map[string]bool{}
			for _, m := range c.Pairs(testScore, testTokens) {
				found[m.A.Name+" "+m.B.Name] = true
			}
			family := func(n string) bool { return n == "indep_ana" || strings.HasPrefix(n, "copy_") }
			for i, a := range c.Docs {
				for _, b := range c.Docs[i+1:] {
					pair := a.Name + " " + b.Name
					if family(a.Name) && family(b.Name) {
						assert.True(t, found[pair], "a disguised copy was not found: %s", pair)
					} else {
						assert.False(t, found[pair], "independent solutions reported as similar: %s", pair)
					}
				}
			}
		})
	}
}

// TestDisguisesChangeNothing: renaming identifiers and literals, comments and
// blank lines leave the token stream as it was.
func TestDisguisesChangeNothing(t *testing.T) {
	a := "package p\n\nfunc F(x []int) int {\n\ts := 0\n\tfor _, v := range x {\n\t\ts += v * 2\n\t}\n\treturn s\n}\n"
	b := "package p\n\n// Sum sums.\nfunc Sum(values []int) int {\n\ttotal := 0 // start\n\n\t/* every value */\n\tfor _, e := range values {\n\t\ttotal += e * 3\n\t}\n\n\treturn total\n}\n"
	kinds := func(src string) string {
		var ks []string
		for _, t := range Tokens([]byte(src)) {
			ks = append(ks, t.Kind)
		}
		return strings.Join(ks, " ")
	}
	assert.Equal(t, kinds(a), kinds(b))
	assert.NotContains(t, kinds(b), "start", "comments are dropped")
}

// TestStubRemoved: code every student got from the stub is not evidence.
func TestStubRemoved(t *testing.T) {
	stub := []byte("package p\n\n// F is long.\nfunc F(a, b, c, d [][]float32, e, f, g, h int) [][][]float32 {\n\tpanic(\"TODO\")\n}\n")
	only := NewDoc("a", stub, stub, DefaultK, DefaultW)
	assert.Empty(t, only.Prints, "the stub itself has no fingerprint left")
	m := Compare(NewDoc("a", stub, stub, DefaultK, DefaultW), NewDoc("b", stub, stub, DefaultK, DefaultW), nil)
	assert.Zero(t, m.Shared)
}

// TestWinnowGuarantee: a shared run of w+k−1 tokens always gives a shared
// fingerprint, whatever surrounds it.
func TestWinnowGuarantee(t *testing.T) {
	run := "x[i+1] = y[j-1] * z[k]; if a < b { c = d }; "
	for pad := 0; pad < 20; pad++ {
		a := "package p\nfunc f() {\n" + strings.Repeat("q = r; ", pad) + run + "}\n"
		b := "package p\nfunc g() {\n" + strings.Repeat("var s = t; ", 20-pad) + run + "}\n"
		require.GreaterOrEqual(t, len(Tokens([]byte(run))), DefaultW+DefaultK-1)
		m := Compare(NewDoc("a", []byte(a), nil, DefaultK, DefaultW), NewDoc("b", []byte(b), nil, DefaultK, DefaultW), nil)
		assert.Positive(t, m.Shared, fmt.Sprintf("pad %d", pad))
	}
}

// TestBlocksShowLines: a reported copy names the lines it shares in both files.
func TestBlocksShowLines(t *testing.T) {
	c, srcs := corpus(t, "matmul_conv")
	for _, m := range c.Pairs(testScore, testTokens) {
		if m.A.Name == "copy_reordered" && m.B.Name == "indep_ana" {
			require.NotEmpty(t, m.Blocks)
			for _, b := range m.Blocks {
				assert.NotEmpty(t, Lines(srcs[m.A.Name], b.A1, b.A2))
				assert.NotEmpty(t, Lines(srcs[m.B.Name], b.B1, b.B2))
			}
			return
		}
	}
	t.Fatal("copy_reordered and indep_ana not paired")
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/d2l-go/d2l-go/internal/harness"
	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

func init() {
	register(&Command{
		Name:    "latency",
		Summary: "measure GoNB cell latency with d2l (cold and warm), optionally with XLA linked into every cell",
		Usage:   "[-cells N] [-xla] [-onnx] [-simd] [-noautoget] [-goflags FLAGS] [-cold-cache]",
		Run:     runLatency,
	})
}

// latencyCell is a measured cell: it computes the book's Corr2D example (k makes each cell's
// text differ, so that GoNB really compiles each one) and prints when it finished.
const latencyCell = `%%%%
X := d2l.Tensor([][]float32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}})
K := d2l.Tensor([][]float32{{0, 1}, {2, %d}})
d2l.Print(d2l.Corr2D(X, K))
fmt.Printf("T %%d\n", time.Now().UnixNano())`

// runLatency implements `d2l latency`: it executes a notebook whose cells each print the
// time they finished; a cell's latency is the time from the previous cell's end to its
// own end (compilation by GoNB, program start, d2l's work, Jupyter's overhead).
func runLatency(ctx context.Context, args []string) error {
	c := commands["latency"]
	fs := flags(c, os.Stderr)
	cells := fs.Int("cells", 6, "measured cells after the first one")
	withXLA := fs.Bool("xla", false, `link XLA into every cell (import _ "github.com/gomlx/go-xla/compute/xla"); XLA itself is not used`)
	noAutoGet := fs.Bool("noautoget", false, "add GoNB's %noautoget to the import cell (no `go get` before each cell)")
	coldCache := fs.Bool("cold-cache", false, "use an empty Go build cache (as on a fresh machine) for the kernel")
	withONNX := fs.Bool("onnx", false, `link ONNX Runtime into every cell (import _ "github.com/d2l-go/d2l-go/backends/onnxrt"), which d2l then runs if installed`)
	withSIMD := fs.Bool("simd", false, "build every cell with GOEXPERIMENT=simd (%env): AVX2/AVX-512 matmul kernels for pure Go")
	goflags := fs.String("goflags", harness.KernelGoFlags, "the `go build` flags of every cell ($GOFLAGS, which the d2l-go kernel sets to this default); \"\" for none")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	root, err := harness.RepoRoot(".")
	if err != nil {
		return err
	}
	tools, err := harness.FindTools()
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "build", "latency")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	imports := "import (\n\t\"fmt\"\n\t\"time\"\n\n\t\"github.com/d2l-go/d2l-go/d2l\"\n"
	if *withXLA {
		imports += "\t_ \"github.com/gomlx/go-xla/compute/xla\"\n"
	}
	if *withONNX {
		imports += "\t_ \"github.com/d2l-go/d2l-go/backends/onnxrt\"\n"
	}
	imports += ")"
	var src strings.Builder
	if *noAutoGet {
		imports = "%noautoget\n" + imports
	}
	if *withSIMD {
		imports = "%env GOEXPERIMENT simd\n" + imports
	}
	// The kernel's $GOFLAGS applies to every cell's build: %env sets it to what is measured.
	setup := "%env GOFLAGS=" + *goflags
	src.WriteString("# latency\n\n```go\n!*date +T%s%N\n```\n\n```go\n" + imports + "\n```\n")
	for k := 0; k <= *cells; k++ {
		fmt.Fprintf(&src, "\n```go\n"+latencyCell+"\n```\n", k+3)
	}
	doc, err := literate.Parse("latency", []byte(src.String()))
	if err != nil {
		return err
	}
	name := "latency"
	if *withXLA {
		name += "-xla"
	}
	if *noAutoGet {
		name += "-noautoget"
	}
	if *withONNX {
		name += "-onnx"
	}
	if *withSIMD {
		name += "-simd"
	}
	if *goflags == "" {
		name += "-nogoflags"
	}
	path := filepath.Join(dir, name+".ipynb")
	// build/latency is two levels below the root, like a notebook would be in a subfolder.
	if err := notebook.WriteFile(path, doc.Notebook(literate.Options{Setup: setup})); err != nil {
		return err
	}
	r := &harness.Runner{Tools: tools, Root: root, DataDir: harness.JupyterDataDir(root), OutDir: filepath.Join(dir, "out"), CellTimeout: 20 * time.Minute}
	if err := r.PrepareKernel(); err != nil {
		return err
	}
	if *coldCache {
		cache, err := os.MkdirTemp("", "d2l-latency-gocache-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(cache)
		// Runner passes its environment to nbconvert and the kernel.
		if err := os.Setenv("GOCACHE", cache); err != nil {
			return err
		}
	}
	ex, err := r.Execute(ctx, path)
	if err != nil {
		return err
	}
	var ends []int64
	for i, c := range ex.Notebook.Cells {
		if c.Type != notebook.Code || i == 0 {
			continue
		}
		if strings.Contains(c.Source, "import (") { // the import cell (it may echo %env) is not timed
			continue
		}
		out := c.StreamText("stdout")
		idx := strings.LastIndex(out, "T")
		if idx < 0 {
			return fmt.Errorf("cell %d printed no time: stdout %q, stderr %q", i+1, out, c.StreamText("stderr"))
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(out[idx+1:]), 10, 64)
		if err != nil {
			return fmt.Errorf("cell %d: %w", i+1, err)
		}
		ends = append(ends, ns)
	}
	if len(ends) < 3 {
		return fmt.Errorf("too few timed cells: %d", len(ends))
	}
	var lat []time.Duration
	for k := 1; k < len(ends); k++ {
		lat = append(lat, time.Duration(ends[k]-ends[k-1]))
	}
	first, warm := lat[0], slices.Clone(lat[1:])
	slices.Sort(warm)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/1e6) }
	var all []string
	for _, d := range lat[1:] {
		all = append(all, ms(d))
	}
	fmt.Printf("%s: first d2l cell (import + first computation, fresh kernel%s) %s; warm cells median %s (min %s, max %s): %s; nbconvert total %.1fs\n",
		name, map[bool]string{true: ", empty Go build cache", false: ""}[*coldCache], ms(first),
		ms(warm[len(warm)/2]), ms(warm[0]), ms(warm[len(warm)-1]), strings.Join(all, ", "), ex.Elapsed.Seconds())
	return nil
}

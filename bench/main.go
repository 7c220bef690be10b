// Command bench is the Go side of d2l-go's side-by-side benchmark against PyTorch (see run.sh).
//
// Run mode (default) times each case on one backend and prints one JSON line per case:
//
//	go run ./bench -backend go  > go.jsonl
//	go run ./bench -backend onnx > onnx.jsonl   # ONNX Runtime (linked by default; needs its library)
//
// Table mode reads the JSON lines of PyTorch (torch_bench.py) and of each backend and prints a
// Markdown table of median wall times, their ratio d2l/PyTorch, and the ratio of CPU time
// (all threads; steadier than wall time on a busy machine):
//
//	go run ./bench -table torch.jsonl go=go.jsonl onnx=onnx.jsonl
//
// The cases use the same shapes as torch_bench.py: LeNet's two convolutions (batch 64) forward
// and forward+backward (y and the gradients w.r.t. input, kernel and bias of sum(y)), a 3x3 64->64
// convolution on 32x64x56x56, 2x2 max/avg pooling forward+backward on 64x6x28x28, and one LeNet
// training step (forward, backward, SGD update) at batch 256.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	_ "github.com/d2l-go/d2l-go/backends/onnxrt" // ONNX Runtime as a candidate (and for -backend onnx)
	"github.com/d2l-go/d2l-go/cnn"
	"github.com/d2l-go/d2l-go/d2l"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// caseNames lists the cases in table order; labels describes them.
var caseNames = []string{"conv1_fwd", "conv1_fwdbwd", "conv2_fwd", "conv2_fwdbwd", "conv3x3_fwd",
	"maxpool_fwdbwd", "avgpool_fwdbwd", "lenet_step256",
	"eager_conv1_256", "eager_conv2_256", "eager_maxpool_256", "eager_avgpool_256",
	"eager_conv1_256_freed"}

var labels = map[string]string{
	"conv1_fwd":      "LeNet conv1 1→6 5×5 pad 2, 64×1×28×28, fwd",
	"conv1_fwdbwd":   "LeNet conv1, fwd+bwd",
	"conv2_fwd":      "LeNet conv2 6→16 5×5, 64×6×14×14, fwd",
	"conv2_fwdbwd":   "LeNet conv2, fwd+bwd",
	"conv3x3_fwd":    "3×3 conv 64→64 pad 1, 32×64×56×56, fwd",
	"maxpool_fwdbwd": "max pool 2×2, 64×6×28×28, fwd+bwd",
	"avgpool_fwdbwd": "avg pool 2×2, 64×6×28×28, fwd+bwd",
	"lenet_step256":  "LeNet training step (fwd+bwd+SGD), batch 256",
	// The book's eager API, as a notebook cell calls it (PyTorch: F.conv2d, F.max_pool2d,
	// F.avg_pool2d under no_grad).
	"eager_conv1_256":   "eager `Conv2d(1, 6, 5, pad 2).Forward`, 256×1×28×28",
	"eager_conv2_256":   "eager `Conv2d(6, 16, 5).Forward`, 256×6×14×14",
	"eager_maxpool_256": "eager `MaxPool2d(2).Forward`, 256×6×28×28",
	"eager_avgpool_256": "eager `AvgPool2d(2).Forward`, 256×6×28×28",
	// The same conv1 call with each result freed (FinalizeAll), which no notebook does: the
	// pair shows what an unfreed result costs (bench/unfreed.sh).
	"eager_conv1_256_freed": "eager `Conv2d(1, 6, 5, pad 2).Forward`, 256×1×28×28, result freed",
}

// result is one JSON line.
type result struct {
	Case  string  `json:"case"`
	MS    float64 `json:"ms"`     // median wall time
	CPUMS float64 `json:"cpu_ms"` // mean CPU time of all threads
	Err   string  `json:"err,omitempty"`
	Cmd   string  `json:"cmd,omitempty"` // the command that measures this case alone (caseCommand)
}

// caseCommand returns the command that runs one case as this process does: this program's
// -backend flag and, when the program was built with a GOEXPERIMENT (simd), that setting, e.g.
// "GOEXPERIMENT=simd go run ./bench -backend go -cases conv1_fwd".
func caseCommand(backendFlag, name string) string {
	cmd := "go run ./bench"
	if backendFlag != "" {
		cmd += " -backend " + backendFlag
	}
	cmd += " -cases " + name
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "GOEXPERIMENT" && s.Value != "" {
				cmd = "GOEXPERIMENT=" + s.Value + " " + cmd
			}
		}
	}
	return cmd
}

func main() {
	backendFlag := flag.String("backend", "", "backend to run, as GOMLX_BACKEND (go, onnx, onnx:intra_threads=1, ...); default: d2l's choice")
	minSeconds := flag.Float64("seconds", 1.0, "minimum time per case")
	only := flag.String("cases", "", "comma-separated cases to run (default all)")
	table := flag.Bool("table", false, "print a table from JSON-lines files: torch.jsonl name=file.jsonl ...")
	flag.Parse()
	if *table {
		if err := printTable(flag.Args()); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *backendFlag != "" {
		os.Setenv(compute.ConfigEnvVar, *backendFlag)
	}
	backend := d2l.Backend()
	if want, _, _ := strings.Cut(*backendFlag, ":"); want != "" && !strings.HasPrefix(strings.ToLower(backend.Name()), want) {
		fmt.Fprintf(os.Stderr, "bench: backend %q requested, but d2l runs %s\n", *backendFlag, d2l.BackendName())
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "bench: backend %s, conv %s\n", d2l.BackendName(), cnn.ImplFor(backend.Name()))
	names := caseNames
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	for _, name := range names {
		r := result{Case: name, Cmd: caseCommand(*backendFlag, name)}
		ms, cpu, err := runCase(backend, name, *minSeconds)
		if err != nil {
			r.Err = strings.SplitN(err.Error(), "\n", 2)[0]
		} else {
			r.MS, r.CPUMS = ms, cpu
		}
		line, _ := json.Marshal(r)
		fmt.Println(string(line))
	}
}

// randTensor returns a float32 tensor with values uniform in [-1, 1).
func randTensor(r *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = 2*r.Float32() - 1
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

// timeIt returns the median wall time and the mean CPU time (all threads) in ms of step: warm-up calls (the first compiles), then
// repeats for at least minSeconds and 5 runs. A step slower than a second runs only 3 times
// after one warm-up (the pure-Go 3x3 convolution takes tens of seconds).
func timeIt(step func() error, minSeconds float64) (wallMS, cpuMS float64, err error) {
	minRuns := 5
	for i := range 3 {
		t0 := time.Now()
		if err := step(); err != nil {
			return 0, 0, err
		}
		if i > 0 && time.Since(t0) > time.Second {
			minRuns, minSeconds = 1, 0
			break
		}
	}
	var times []float64
	start, cpu0 := time.Now(), cpuTime()
	for len(times) < minRuns || time.Since(start).Seconds() < minSeconds {
		t0 := time.Now()
		if err := step(); err != nil {
			return 0, 0, err
		}
		times = append(times, float64(time.Since(t0).Microseconds())/1e3)
		if len(times) >= 2000 {
			break
		}
	}
	cpuMS = float64((cpuTime() - cpu0).Microseconds()) / 1e3 / float64(len(times))
	slices.Sort(times)
	return times[len(times)/2], cpuMS, nil
}

// cpuTime returns the user+system CPU time of this process so far (all threads).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// execStep compiles fn and returns a step that runs it on inputs and frees the outputs.
func execStep[F graph.ExecGraphFn](backend compute.Backend, fn F, inputs ...any) func() error {
	e := graph.MustNewExec(backend, fn)
	return func() error {
		outs, err := e.Exec(inputs...)
		if err != nil {
			return err
		}
		for _, o := range outs {
			o.FinalizeAll()
		}
		return nil
	}
}

// runCase builds and times one case; panics while building or running become errors.
func runCase(backend compute.Backend, name string, minSeconds float64) (ms, cpu float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	r := rand.New(rand.NewPCG(7, uint64(len(name))))
	var step func() error
	switch name {
	case "conv1_fwd", "conv1_fwdbwd":
		step = convStep(backend, r, []int{64, 1, 28, 28}, []int{6, 1, 5, 5}, 2, strings.HasSuffix(name, "bwd"))
	case "conv2_fwd", "conv2_fwdbwd":
		step = convStep(backend, r, []int{64, 6, 14, 14}, []int{16, 6, 5, 5}, 0, strings.HasSuffix(name, "bwd"))
	case "conv3x3_fwd":
		step = convStep(backend, r, []int{32, 64, 56, 56}, []int{64, 64, 3, 3}, 1, false)
	case "maxpool_fwdbwd", "avgpool_fwdbwd":
		pool := cnn.AvgPool2D
		if strings.HasPrefix(name, "max") {
			pool = cnn.MaxPool2D
		}
		x := randTensor(r, 64, 6, 28, 28)
		step = execStep(backend, func(x *graph.Node) []*graph.Node {
			y := pool(x, cnn.PoolConfig{Kernel: [2]int{2, 2}})
			return []*graph.Node{y, graph.Gradient(graph.ReduceAllSum(y), x)[0]}
		}, x)
	case "lenet_step256":
		step = lenetStep(r, 256)
	case "eager_conv1_256":
		step = eagerStep(d2l.NewConv2d(1, 6, d2l.KernelSize(5), d2l.Padding(2)), randTensor(r, 256, 1, 28, 28))
	case "eager_conv1_256_freed":
		step = eagerStepFreed(d2l.NewConv2d(1, 6, d2l.KernelSize(5), d2l.Padding(2)), randTensor(r, 256, 1, 28, 28))
	case "eager_conv2_256":
		step = eagerStep(d2l.NewConv2d(6, 16, d2l.KernelSize(5)), randTensor(r, 256, 6, 14, 14))
	case "eager_maxpool_256":
		step = eagerStep(d2l.NewMaxPool2d(d2l.KernelSize(2), d2l.Stride(2)), randTensor(r, 256, 6, 28, 28))
	case "eager_avgpool_256":
		step = eagerStep(d2l.NewAvgPool2d(d2l.KernelSize(2), d2l.Stride(2)), randTensor(r, 256, 6, 28, 28))
	default:
		return 0, 0, fmt.Errorf("unknown case %q", name)
	}
	return timeIt(step, minSeconds)
}

// convStep is conv2d with bias: forward only, or the output and the gradients of sum(y) w.r.t.
// x, w and b. Forward+backward cases return y too, as PyTorch computes it before its backward
// pass: the gradients of a sum need no forward values, and a backend may skip what no output
// needs (ONNX Runtime folds the constant gradient of an average pooling's sum).
func convStep(backend compute.Backend, r *rand.Rand, xDims, wDims []int, pad int, backward bool) func() error {
	x, w, b := randTensor(r, xDims...), randTensor(r, wDims...), randTensor(r, wDims[0])
	cfg := cnn.ConvConfig{Padding: [2]int{pad, pad}}
	return execStep(backend, func(x, w, b *graph.Node) []*graph.Node {
		y := cnn.Conv2DBias(x, w, b, cfg)
		if !backward {
			return []*graph.Node{y}
		}
		return append([]*graph.Node{y}, graph.Gradient(graph.ReduceAllSum(y), x, w, b)...)
	}, x, w, b)
}

// eagerStep calls the layer's eager Forward on x exactly as a notebook cell does: the result
// is dropped, never freed.
func eagerStep(layer d2l.Layer, x *tensors.Tensor) func() error {
	return func() error {
		return d2l.Try(func() { layer.Forward(x) })
	}
}

// eagerStepFreed is eagerStep with the result freed (FinalizeAll) after each call.
func eagerStepFreed(layer d2l.Layer, x *tensors.Tensor) func() error {
	return func() error {
		return d2l.Try(func() { layer.Forward(x).FinalizeAll() })
	}
}

// lenetStep is one d2l.TrainBatch (forward, backward, SGD update with lr 0.9, as TrainCh6
// runs it) of the book's LeNet on a fixed random batch.
func lenetStep(r *rand.Rand, batch int) func() error {
	net := d2l.LeNet()
	x := randTensor(r, batch, 1, 28, 28)
	labels := make([]int32, batch)
	for i := range labels {
		labels[i] = int32(r.IntN(10))
	}
	y := tensors.FromValue(labels)
	return func() error {
		return d2l.Try(func() { d2l.TrainBatch(net, x, y, 0.9) })
	}
}

// printTable prints one Markdown table per backend column: args[0] is PyTorch's JSON lines,
// the rest name=file (name: the column's title, e.g. "pure Go + simd"). Each table starts with a
// line giving the date and the CPU of this machine (the table is printed right after the runs)
// and PyTorch's command; each row ends with the command that measures its d2l side alone.
func printTable(args []string) error {
	if len(args) < 1 {
		return fmt.Errorf("-table: want torch.jsonl [name=file.jsonl ...]")
	}
	torch, err := readResults(args[0])
	if err != nil {
		return err
	}
	type col struct {
		name string
		res  map[string]result
	}
	var cols []col
	for _, a := range args[1:] {
		name, file, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("-table: argument %q: want name=file.jsonl", a)
		}
		res, err := readResults(file)
		if err != nil {
			return err
		}
		cols = append(cols, col{name, res})
	}
	var b strings.Builder
	for _, c := range cols {
		fmt.Fprintf(&b, "**%s** (%s; %s; PyTorch: `python3 bench/torch_bench.py 2 SECONDS CASE`, the fastest of four runs)\n\n",
			c.name, time.Now().UTC().Format("2006-01-02 15:04 UTC"), cpuModel())
		b.WriteString("| case | PyTorch ms | d2l ms | ratio | CPU ratio | d2l command |\n|---|---:|---:|---:|---:|---|\n")
		for _, name := range caseNames {
			t, ok := torch[name]
			if !ok {
				continue
			}
			r, ok := c.res[name]
			fmt.Fprintf(&b, "| %s | %s |", labels[name], fmtMS(t.MS))
			switch {
			case !ok:
				b.WriteString(" – | – | – |")
			case r.Err != "":
				b.WriteString(" fails | – | – |")
			default:
				cpu := "–"
				if t.CPUMS > 0 && r.CPUMS > 0 {
					cpu = fmt.Sprintf("%.2f×", r.CPUMS/t.CPUMS)
				}
				fmt.Fprintf(&b, " %s | %.2f× | %s |", fmtMS(r.MS), r.MS/t.MS, cpu)
			}
			if r.Cmd != "" {
				fmt.Fprintf(&b, " `%s` |", r.Cmd)
			} else {
				b.WriteString(" – |")
			}
			b.WriteString("\n")
		}
		for _, name := range caseNames {
			if r, ok := c.res[name]; ok && r.Err != "" {
				fmt.Fprintf(&b, "\n%s %s fails: %s\n", c.name, name, r.Err)
			}
		}
		b.WriteString("\n")
	}
	fmt.Print(b.String())
	return nil
}

// cpuModel describes this machine's CPU as lscpu's "Model name" does (from /proc/cpuinfo), with
// the number of CPUs, e.g. "AMD EPYC, 2 CPUs".
func cpuModel() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs", model, runtime.NumCPU())
}

func fmtMS(ms float64) string {
	switch {
	case ms >= 100:
		return fmt.Sprintf("%.0f", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f", ms)
	}
	return fmt.Sprintf("%.2f", ms)
}

// readResults reads JSON lines into a map by case; of a case listed twice it keeps the faster
// successful run.
func readResults(path string) (map[string]result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := map[string]result{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if old, ok := res[r.Case]; ok && old.Err == "" && (r.Err != "" || old.MS <= r.MS) {
			continue // a case measured twice keeps its faster run
		}
		res[r.Case] = r
	}
	return res, sc.Err()
}

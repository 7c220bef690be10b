package d2l

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/d2l-go/d2l-go/internal/gonbio"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Accumulator sums n running totals (the book's d2l.Accumulator): Add(a, b, c) adds to each.
type Accumulator struct {
	data []float64
}

// NewAccumulator returns an Accumulator of n zeros.
func NewAccumulator(n int) *Accumulator {
	if n < 1 {
		fail("d2l.NewAccumulator", "n", "n >= 1", "%d", n)
	}
	return &Accumulator{data: make([]float64, n)}
}

// Add adds vals[i] to total i; it takes exactly as many values as the Accumulator holds.
func (a *Accumulator) Add(vals ...float64) {
	if a == nil {
		fail("d2l.Accumulator.Add", "accumulator", "one made by d2l.NewAccumulator", "nil")
	}
	if len(vals) != len(a.data) {
		fail("d2l.Accumulator.Add", "vals", fmt.Sprintf("%d values", len(a.data)), "%d values", len(vals))
	}
	for i, v := range vals {
		a.data[i] += v
	}
}

// Reset sets every total to zero.
func (a *Accumulator) Reset() { clear(a.data) }

// Get returns total i (metric[i] in the book).
func (a *Accumulator) Get(i int) float64 {
	if a == nil {
		fail("d2l.Accumulator.Get", "accumulator", "one made by d2l.NewAccumulator", "nil")
	}
	if i < 0 || i >= len(a.data) {
		fail("d2l.Accumulator.Get", "i", fmt.Sprintf("an index in [0, %d)", len(a.data)), "%d", i)
	}
	return a.data[i]
}

// Timer records running times (the book's d2l.Timer). NewTimer starts it.
type Timer struct {
	times []float64
	start time.Time
}

// NewTimer returns a started Timer.
func NewTimer() *Timer { return &Timer{start: time.Now()} }

// Start (re)starts the timer.
func (t *Timer) Start() { t.start = time.Now() }

// Stop records the seconds since Start and returns them.
func (t *Timer) Stop() float64 {
	s := time.Since(t.start).Seconds()
	t.times = append(t.times, s)
	return s
}

// Avg returns the mean of the recorded times in seconds (0 if none).
func (t *Timer) Avg() float64 {
	if len(t.times) == 0 {
		return 0
	}
	return t.Sum() / float64(len(t.times))
}

// Sum returns the total of the recorded times in seconds.
func (t *Timer) Sum() float64 {
	s := 0.0
	for _, v := range t.times {
		s += v
	}
	return s
}

// CumSum returns the running totals of the recorded times.
func (t *Timer) CumSum() []float64 {
	out := make([]float64, len(t.times))
	s := 0.0
	for i, v := range t.times {
		s += v
		out[i] = s
	}
	return out
}

// crossEntropyGraph returns -log softmax(logits)[y] per example: logits [n, k], y [n] -> [n].
func crossEntropyGraph(logits, y *graph.Node) *graph.Node {
	k := logits.Shape().Dimensions[1]
	logp := graph.LogSoftmax(logits, -1)
	return graph.Neg(graph.ReduceSum(graph.Mul(graph.OneHot(y, k, logits.DType()), logp), -1))
}

// correctGraph counts rows of logits [n, k] whose argmax equals y [n]; float32 scalar.
func correctGraph(logits, y *graph.Node) *graph.Node {
	pred := graph.ArgMax(logits, -1, y.DType())
	return graph.ReduceAllSum(graph.ConvertDType(graph.Equal(pred, y), dtypes.Float32))
}

// scalar reads a scalar tensor as float64.
func scalar(t *tensors.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	panic(&Error{Func: "d2l", Got: fmt.Sprintf("a %s scalar", t.DType()), Want: "a float scalar"})
}

// TrainBatch runs one SGD step of net on (X, y) with softmax cross-entropy averaged over the
// batch, and returns the summed loss of the batch (before the update) and the number of correct
// predictions. X is [n, ...] float32, y [n] int32 with labels in [0, k) for the k outputs of
// the network (its logits are [n, k]). The step is one compiled graph (forward, backward and
// update), compiled once per batch shape for the layers net holds now (on the pure-Go backend,
// a network of this package's layers runs a batch of 128 or more as up to four independent
// chains of about 64 examples, concurrently; the step is the same); the network's parameter
// tensors are replaced by the updated ones. Tensors read earlier from net.Parameters() or a
// layer's Weight keep their values.
//
// Everything is checked before the step runs: on bad input (NaN or ±Inf in X included)
// TrainBatch panics with a *Error and the parameters are unchanged. A step whose update would
// make a parameter NaN or infinite (a learning rate too large, a diverging network) is refused
// the same way: the previous weights are kept and the error names the first such parameter.
// Safe to call concurrently with Forward and EvaluateAccuracy on the same network (see
// Sequential).
func TrainBatch(net *Sequential, X, y *tensors.Tensor, lr float64) (lossSum, correct float64) {
	const fn = "d2l.TrainBatch"
	defer guard(fn)
	if net == nil {
		fail(fn, "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	if !isFinite(lr) {
		fail(fn, "lr", "a finite learning rate", "%v", lr)
	}
	checkBatch(fn, X, y)
	net.mu.Lock()
	defer net.mu.Unlock()
	n := net.parts(fn)
	np := len(n.params)
	lrT := tensors.FromScalar(float32(lr))
	ins := append([]*tensors.Tensor{X, y, lrT}, n.params...)
	classes := 0 // the logits' [n, k]: k, recorded in the program when it is built
	e, consts := n.program(fn, "train", ins, func(g *graph.Graph, p []*graph.Node) []*graph.Node {
		x, labels, rate, params := p[0], p[1], p[2], p[3:]
		// The batch in trainChunks(…) independent chains, whose loss sums and counts of correct
		// predictions add up: the step's gradient is the same, and a backend that runs
		// independent nodes concurrently keeps every core busy.
		bs := x.Shape().Dimensions[0]
		chunks := trainChunks(g.Backend(), bs, n.spec != "")
		var lossSum, correct *graph.Node
		for c := range chunks {
			xc, lc := x, labels
			if chunks > 1 {
				lo, hi := c*bs/chunks, (c+1)*bs/chunks
				xc, lc = graph.Slice(x, graph.AxisRange(lo, hi)), graph.Slice(labels, graph.AxisRange(lo, hi))
			}
			// StopGradient: no gradient of the images is built (ONNX Runtime would compute it).
			logits := n.build(fn, graph.StopGradient(xc), params)
			classes = checkLogits(fn, logits, xc)
			ls, cc := graph.ReduceAllSum(crossEntropyGraph(logits, lc)), correctGraph(logits, lc)
			if lossSum == nil {
				lossSum, correct = ls, cc
			} else {
				lossSum, correct = graph.Add(lossSum, ls), graph.Add(correct, cc)
			}
		}
		loss := graph.DivScalar(lossSum, float64(bs))
		var grads []*graph.Node
		if np > 0 {
			grads = graph.Gradient(loss, params...)
		}
		out := make([]*graph.Node, 0, 2*np+2)
		for i, w := range params {
			out = append(out, graph.Sub(w, graph.Mul(graph.ConvertDType(rate, w.DType()), grads[i])))
		}
		out = append(out, lossSum, correct)
		// Per updated parameter: the sum of w - w, 0 when every value is finite, NaN otherwise.
		for _, w := range out[:np] {
			out = append(out, graph.ReduceAllSum(graph.Sub(w, w)))
		}
		return out
	}, func(p *program) { p.classes = classes })
	defer programs.release(e)
	checkLabels(fn, y, e.p.classes)
	outs := run(e.p, ins, consts)
	names := net.paramNames()
	for i := range np {
		if v := scalar(outs[np+2+i]); v != 0 {
			panic(&Error{Func: fn, Arg: "lr",
				Got: fmt.Sprintf("%v, with which this step would make parameter %s NaN or infinite (loss of the batch %v)",
					lr, names[i], scalar(outs[np])),
				Want: "a step that keeps every weight finite (a smaller learning rate; the step was refused, the previous weights kept)"})
		}
	}
	for i, r := range n.refs {
		*r = outs[i]
	}
	return scalar(outs[np]), scalar(outs[np+1])
}

// trainChunks is the number of independent chains TrainBatch splits a batch of bs examples
// into: on the pure-Go backend, which runs independent nodes of a graph concurrently, one per
// 64 examples and at most 4; elsewhere 1. Only a network of this package's layers (ownLayers),
// each of which computes every example on its own, is split: a program's own layer may mix the
// examples of a batch (a normalisation over the batch), and then a chain is not a part of the
// step. Measured with `d2l train -epochs 2 lenet`
// (2026-12-07, 2-core AMD EPYC): a pure-Go epoch in 7.1–7.6 s instead of 8.9–9.0 s (with
// GOMAXPROCS=1 and -limit 20000, 3.2 s instead of 3.4 s); ONNX Runtime, which parallelises
// inside each operation, 5.5 s split in two against 5.2 s.
func trainChunks(b compute.Backend, bs int, ownLayers bool) int {
	if !ownLayers || !isPureGo(b) {
		return 1
	}
	return min(max(bs/64, 1), 4)
}

// checkLogits panics unless the network's output is logits [n, k] for the batch x [n, ...];
// it returns k.
func checkLogits(fn string, logits, x *graph.Node) int {
	d, n := logits.Shape().Dimensions, x.Shape().Dimensions[0]
	if len(d) != 2 || d[0] != n || d[1] < 1 {
		panic(&Error{Func: fn, Arg: "net", Got: fmt.Sprintf("output shape %v for X %v", d, x.Shape().Dimensions),
			Want: fmt.Sprintf("logits [%d, k] (one row of class scores per example)", n)})
	}
	return d[1]
}

// checkBatch validates a batch: X [n, ...] float32 and finite, y [n] int32 labels >= 0.
func checkBatch(fn string, X, y *tensors.Tensor) {
	dx := checkFinite(fn, "X", X, "a float32 batch [n, ...]")
	if len(dx) == 0 {
		fail(fn, "X", "a float32 batch [n, ...]", "a scalar")
	}
	if y == nil {
		fail(fn, "y", fmt.Sprintf("int32 labels [%d]", dx[0]), "nil")
	}
	if y.DType() != dtypes.Int32 {
		fail(fn, "y", fmt.Sprintf("dtype int32 (labels [%d])", dx[0]), "dtype %s", y.DType())
	}
	if d := y.Shape().Dimensions; len(d) != 1 || d[0] != dx[0] {
		fail(fn, "y", fmt.Sprintf("shape [%d] (one label per example of X %v)", dx[0], dx), "shape %v", d)
	}
	checkLabels(fn, y, 0)
}

// checkLabels panics unless every label is >= 0 and, when k > 0, below k.
func checkLabels(fn string, y *tensors.Tensor, k int) {
	tensors.MustConstFlatData(y, func(flat []int32) {
		for i, v := range flat {
			if v < 0 || (k > 0 && int(v) >= k) {
				want := "labels >= 0"
				if k > 0 {
					want = fmt.Sprintf("labels in [0, %d) for the network's %d outputs", k, k)
				}
				fail(fn, "y", want, "label %d at index %d", v, i)
			}
		}
	})
}

// EvaluateAccuracy returns the fraction of examples of data that net classifies correctly
// (evaluate_accuracy_gpu): logits [n, k] of net.Forward compared with the labels.
func EvaluateAccuracy(net *Sequential, data *DataIter) float64 {
	const fn = "d2l.EvaluateAccuracy"
	defer guard(fn)
	if net == nil {
		fail(fn, "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	if data == nil {
		fail(fn, "data", "an iterator from d2l.LoadDataFashionMNIST", "nil")
	}
	metric := NewAccumulator(2) // correct predictions, examples
	for X, y := range data.Batches() {
		checkBatch(fn, X, y)
		correct := func() float64 {
			net.mu.Lock()
			defer net.mu.Unlock()
			n := net.parts(fn)
			ins := append([]*tensors.Tensor{X, y}, n.params...)
			e, consts := n.program(fn, "eval", ins, func(g *graph.Graph, p []*graph.Node) []*graph.Node {
				logits := n.build(fn, p[0], p[2:])
				checkLogits(fn, logits, p[0])
				return []*graph.Node{correctGraph(logits, p[1])}
			})
			defer programs.release(e)
			return scalar(run(e.p, ins, consts)[0])
		}()
		metric.Add(correct, float64(y.Shape().Dimensions[0]))
	}
	if metric.Get(1) == 0 {
		return 0
	}
	return metric.Get(0) / metric.Get(1)
}

// TrainResult is what TrainCh6 measured.
type TrainResult struct {
	// TrainLoss and TrainAcc are the last epoch's mean loss and accuracy on the training batches;
	// TestAcc is the test accuracy after the last epoch.
	TrainLoss, TrainAcc, TestAcc float64
	// ExamplesPerSec counts training examples per second of training steps (evaluation excluded).
	ExamplesPerSec float64
	// EpochSeconds is the wall time of each epoch, evaluation included.
	EpochSeconds []float64
	// History holds per epoch: train loss, train acc, test acc.
	History [][3]float64
	// Device is the device it ran on, as printed.
	Device Device
	// Stopped is true when training stopped before the last batch (TrainOptions.Context was
	// cancelled, or ■ was pressed in a notebook): the figures are then those of the batches
	// trained, and TestAcc that of the last complete epoch (NaN if none was completed).
	Stopped bool
	// NumEpochs is the number of epochs planned (numEpochs, or fewer under $D2L_EPOCHS) and
	// NumBatches the batches of one epoch.
	NumEpochs, NumBatches int
	// StoppedEpoch and StoppedBatch are, when Stopped, the epoch (from 1) in which training
	// stopped and how many of its batches were trained.
	StoppedEpoch, StoppedBatch int
}

// String says in one line, in Chinese as the notebooks' outputs, what the run trained:
// "训练了 10 轮, 测试精度 0.795", or when it stopped early
// "第 3/10 轮训练了 120/235 个批量时停止, 完整训练了 2 轮, 测试精度 0.612".
func (r TrainResult) String() string {
	if !r.Stopped {
		return fmt.Sprintf("训练了 %d 轮, 测试精度 %.3f", len(r.History), r.TestAcc)
	}
	s := fmt.Sprintf("第 %d/%d 轮训练了 %d/%d 个批量时停止", r.StoppedEpoch, r.NumEpochs, r.StoppedBatch, r.NumBatches)
	if len(r.History) == 0 {
		return s + ", 还没有完整训练一轮"
	}
	return s + fmt.Sprintf(", 完整训练了 %d 轮, 测试精度 %.3f", len(r.History), r.TestAcc)
}

// TrainOptions tune TrainCh6's output; the zero value is the book's behaviour.
type TrainOptions struct {
	// Progress receives the terminal progress bar and per-epoch lines (default os.Stderr; in a
	// notebook the live plot replaces them). The bar is drawn only when Progress is a terminal;
	// a log file or a pipe gets one line per epoch. Set io.Discard to silence them.
	Progress io.Writer
	// NoInit keeps the current weights instead of re-initialising them with Xavier-uniform.
	NoInit bool
	// Context, when set, stops training between two batches once it is cancelled (Ctrl-C in a
	// program: signal.NotifyContext); TrainCh6 then prints and returns what it measured so far.
	// In a notebook, when it is not set, Jupyter's interrupt (■, which GoNB passes on as
	// SIGINT) does the same.
	Context context.Context
}

// TrainCh6 trains net as the book's train_ch6: Xavier-uniform initialisation of Conv2d and
// Linear weights, minibatch SGD with learning rate lr on the mean softmax cross-entropy, for
// numEpochs passes over trainIter; after each epoch the test accuracy on testIter. In a GoNB
// notebook a plot of train loss, train acc and test acc is redrawn as training runs (labelled
// in Chinese, as the notebooks' prose: 轮, 训练损失, 训练精度, 测试精度); in a terminal a
// progress bar goes to stderr (one line per epoch when stderr is a file or pipe). At the end it
// prints (to SetOutput's writer) the
// book's two lines:
//
//	loss 0.469, train acc 0.823, test acc 0.779
//	55000.0 examples/sec on cpu
//
// opts (at most one) tunes the output. It returns the figures it printed.
//
// In a notebook the plot appears before the first batch and says under it how far training
// has come, and Jupyter's interrupt (■) stops training after the running batch: the plot and
// the two lines then show the figures so far, and the network keeps what it learnt, so that
// the cell can go on to save it (SaveParams). (Elsewhere TrainOptions.Context does that.)
//
// $D2L_EPOCHS (EpochsEnv), when set to a positive integer below numEpochs, makes it train that
// many epochs instead, and say so on stderr: the notebook tests set it to execute 6.6 quickly.
func TrainCh6(net *Sequential, trainIter, testIter *DataIter, numEpochs int, lr float64, device Device, opts ...TrainOptions) TrainResult {
	const fn = "d2l.TrainCh6"
	if net == nil {
		fail(fn, "net", "a network (e.g. d2l.LeNet())", "nil")
	}
	if trainIter == nil || testIter == nil {
		fail(fn, "trainIter/testIter", "iterators from d2l.LoadDataFashionMNIST", "nil")
	}
	if numEpochs < 1 {
		fail(fn, "numEpochs", "numEpochs >= 1", "%d", numEpochs)
	}
	if !(lr > 0) || math.IsInf(lr, 0) {
		fail(fn, "lr", "a learning rate > 0", "%v", lr)
	}
	var o TrainOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Progress == nil {
		o.Progress = os.Stderr
	}
	if k := epochsFromEnv(fn); k > 0 && k < numEpochs {
		fmt.Fprintf(os.Stderr, "d2l: $%s=%d: training %d of the %d epochs\n", EpochsEnv, k, k, numEpochs)
		numEpochs = k
	}
	if !o.NoInit {
		InitXavier(net)
	}
	animator := NewAnimator("轮", [2]float64{1, float64(numEpochs)}, "训练损失", "训练精度", "测试精度")
	timer := NewTimer()
	numBatches := trainIter.NumBatches()
	bar := newProgress(o.Progress)
	res := TrainResult{Device: device, NumEpochs: numEpochs, NumBatches: numBatches}
	ctx := o.Context
	if ctx == nil && gonbio.IsNotebook {
		// Jupyter's ■: GoNB sends SIGINT to the cell's program (and kills it 5 s later).
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// status says how far training has come, under the plot of a notebook.
	status := func(epoch, i int) string {
		return fmt.Sprintf("训练中：第 %d/%d 轮，%d/%d 个批量", epoch+1, numEpochs, i, numBatches)
	}
	animator.SetStatus(status(0, 0))
	var metric *Accumulator
	var trainL, trainAcc float64
	testAcc := math.NaN()
	examples := 0.0
	for epoch := range numEpochs {
		epochStart := time.Now()
		metric = NewAccumulator(3) // sum of losses, correct predictions, examples
		i := 0
		for X, y := range trainIter.Batches() {
			if ctx.Err() != nil {
				res.Stopped = true
				break
			}
			examples += float64(y.Shape().Dimensions[0])
			timer.Start()
			l, correct := TrainBatch(net, X, y, lr)
			metric.Add(l, correct, float64(y.Shape().Dimensions[0]))
			timer.Stop()
			trainL, trainAcc = metric.Get(0)/metric.Get(2), metric.Get(1)/metric.Get(2)
			i++
			if i%max(numBatches/5, 1) == 0 || i == numBatches {
				animator.status = status(epoch, i)
				animator.Add(float64(epoch)+float64(i)/float64(numBatches), trainL, trainAcc, math.NaN())
			} else {
				animator.SetStatus(status(epoch, i))
			}
			bar.update(epoch, numEpochs, i, numBatches, trainL, trainAcc)
		}
		if res.Stopped {
			bar.clear()
			res.StoppedEpoch, res.StoppedBatch = epoch+1, i
			if gonbio.IsNotebook {
				animator.status = fmt.Sprintf("第 %d/%d 轮训练了 %d/%d 个批量时按 ■ 停止", epoch+1, numEpochs, i, numBatches)
				Print(fmt.Sprintf("训练在第 %d/%d 轮的第 %d/%d 个批量后停止（■），已训练的参数留在网络里", epoch+1, numEpochs, i, numBatches))
			} else {
				Print(fmt.Sprintf("stopped in epoch %d/%d after %d of %d batches", epoch+1, numEpochs, i, numBatches))
			}
			break
		}
		animator.SetStatus(fmt.Sprintf("训练中：第 %d/%d 轮，计算测试精度", epoch+1, numEpochs))
		testAcc = EvaluateAccuracy(net, testIter)
		animator.status = "" // the final plot has none
		if epoch+1 < numEpochs {
			animator.status = status(epoch+1, 0)
		}
		animator.Add(float64(epoch+1), math.NaN(), math.NaN(), testAcc)
		res.EpochSeconds = append(res.EpochSeconds, time.Since(epochStart).Seconds())
		res.History = append(res.History, [3]float64{trainL, trainAcc, testAcc})
		bar.epochDone(epoch, numEpochs, trainL, trainAcc, testAcc, res.EpochSeconds[epoch])
	}
	animator.Finish()
	res.TrainLoss, res.TrainAcc, res.TestAcc = trainL, trainAcc, testAcc
	if timer.Sum() > 0 {
		res.ExamplesPerSec = examples / timer.Sum()
	}
	Print(summaryLine(trainL, trainAcc, testAcc, examples > 0, gonbio.IsNotebook))
	Print(fmt.Sprintf("%.1f examples/sec on %s", res.ExamplesPerSec, device))
	return res
}

// summaryLine is TrainCh6's last line but one: the book's "loss …, train acc …, test acc …",
// with words instead of numbers that were never computed (training stopped before the first
// batch, or before the first epoch's test accuracy).
func summaryLine(trainL, trainAcc, testAcc float64, trained, notebook bool) string {
	switch {
	case !trained && notebook:
		return "还没有训练任何批量：没有损失和精度"
	case !trained:
		return "no batch trained: no loss or accuracy"
	case !math.IsNaN(testAcc):
		return fmt.Sprintf("loss %.3f, train acc %.3f, test acc %.3f", trainL, trainAcc, testAcc)
	case notebook:
		return fmt.Sprintf("loss %.3f, train acc %.3f, test acc 未计算（第一轮没有训练完）", trainL, trainAcc)
	default:
		return fmt.Sprintf("loss %.3f, train acc %.3f, test acc not computed (stopped in the first epoch)", trainL, trainAcc)
	}
}

// ProgressBar is a progress bar that TrainCh6 draws on a terminal, one per epoch: Describe sets
// its text (the epoch, the running loss and accuracy), Set moves it to batch i of the epoch's
// batches, Clear erases it before the epoch's line is written.
type ProgressBar interface {
	Describe(text string)
	Set(i int) error
	Clear() error
}

var (
	barMu    sync.Mutex
	barMaker func(w io.Writer, total int) ProgressBar
)

// SetTerminalBar makes TrainCh6 draw a bar made by newBar (for total batches, on w) while an
// epoch runs, when its output is a terminal; nil stops drawing bars. Without one, TrainCh6
// writes only a line per epoch. Package d2l/termbar sets one when imported (the `d2l`
// command does); notebooks draw a live plot instead and do not link it, which keeps the
// programs GoNB builds for every cell small.
func SetTerminalBar(newBar func(w io.Writer, total int) ProgressBar) {
	barMu.Lock()
	barMaker = newBar
	barMu.Unlock()
}

// progress reports TrainCh6's progress outside a notebook: on a terminal, the bar set by
// SetTerminalBar (if any) per epoch, which gives way to the epoch's line when the epoch ends;
// into anything else (a log file, a pipe) only the epoch lines, one per epoch, without a bar's
// control characters. In a notebook the live plot replaces it.
type progress struct {
	w      io.Writer
	on     bool
	bar    ProgressBar
	newBar func(w io.Writer, total int) ProgressBar // set only when w is a terminal
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, on: !gonbio.IsNotebook && w != io.Discard}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		barMu.Lock()
		p.newBar = barMaker
		barMu.Unlock()
	}
	return p
}

// isTerminal reports whether f is a character device (a terminal), without linking
// golang.org/x/term into every notebook cell.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// update advances the bar to batch i of numBatches of the epoch, showing the running loss and
// accuracy; the bar itself shows the count, the rate and the time left in the epoch.
func (p *progress) update(epoch, numEpochs, i, numBatches int, loss, acc float64) {
	if !p.on || p.newBar == nil {
		return
	}
	if p.bar == nil {
		if p.bar = p.newBar(p.w, numBatches); p.bar == nil {
			return
		}
	}
	p.bar.Describe(fmt.Sprintf("epoch %d/%d  loss %.3f  acc %.3f", epoch+1, numEpochs, loss, acc))
	_ = p.bar.Set(i)
}

// clear removes the bar of the running epoch, if one is drawn.
func (p *progress) clear() {
	if p.bar != nil {
		_ = p.bar.Clear()
		p.bar = nil
	}
}

// epochDone clears the bar and writes the epoch's line.
func (p *progress) epochDone(epoch, numEpochs int, loss, trainAcc, testAcc, seconds float64) {
	if !p.on {
		return
	}
	p.clear()
	fmt.Fprintf(p.w, "epoch %d/%d: loss %.3f, train acc %.3f, test acc %.3f (%.1f s)\n",
		epoch+1, numEpochs, loss, trainAcc, testAcc, seconds)
}

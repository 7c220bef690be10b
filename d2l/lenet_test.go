package d2l

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLeNetShapes checks the layer shape table of 6.6.1 against the book (lenet_shapes cases),
// layer names included, and that Sequential.Forward (one graph) gives the same final shape.
func TestLeNetShapes(t *testing.T) {
	found := 0
	for _, c := range loadBookCases(t) {
		if c.Op != "lenet_shapes" {
			continue
		}
		found++
		t.Run(c.ID, func(t *testing.T) {
			if testing.Short() && c.ID != "lenet_shapes_1x1x28x28" {
				t.Skip("batch-256 shape table skipped in -short mode")
			}
			var p struct {
				InputShape []int `json:"input_shape"`
			}
			require.NoError(t, json.Unmarshal(c.Params, &p))
			var want [][2]json.RawMessage
			require.NoError(t, json.Unmarshal(c.Expected, &want))
			net := LeNet()
			require.Len(t, net.Layers, len(want))
			X := Rand(p.InputShape...)
			for i, layer := range net.Layers {
				X = layer.Forward(X)
				var name string
				var shape []int
				require.NoError(t, json.Unmarshal(want[i][0], &name))
				require.NoError(t, json.Unmarshal(want[i][1], &shape))
				assert.Equal(t, name, LayerName(layer), "layer %d", i)
				assert.Equal(t, shape, X.Shape().Dimensions, "layer %d (%s)", i, name)
			}
			assert.Equal(t, X.Shape().Dimensions, net.Forward(Rand(p.InputShape...)).Shape().Dimensions)
		})
	}
	require.Equal(t, 2, found, "lenet_shapes cases in testdata/book_outputs.json")
}

// TestLeNetParameters checks names, shapes and the total of 61,706 learnable parameters.
func TestLeNetParameters(t *testing.T) {
	var want struct {
		Tensors [][2]json.RawMessage `json:"tensors"`
		Total   int                  `json:"total"`
	}
	for _, c := range loadBookCases(t) {
		if c.Op == "lenet_param_count" {
			require.NoError(t, json.Unmarshal(c.Expected, &want))
		}
	}
	require.Equal(t, 61706, want.Total)
	net := LeNet()
	ps := net.Parameters()
	require.Len(t, ps, len(want.Tensors))
	for i, p := range ps {
		var shape []int
		require.NoError(t, json.Unmarshal(want.Tensors[i][1], &shape))
		assert.Equal(t, shape, p.Value.Shape().Dimensions, "parameter %s", p.Name)
	}
	assert.Equal(t, "0.weight", ps[0].Name)
	assert.Equal(t, "11.bias", ps[len(ps)-1].Name)
	assert.Equal(t, want.Total, net.NumParams())
}

// TestPrintLayerShapes checks the printed table, in the book's exact format.
func TestPrintLayerShapes(t *testing.T) {
	var buf bytes.Buffer
	defer SetOutput(SetOutput(&buf))
	PrintLayerShapes(LeNet(), Rand(1, 1, 28, 28))
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	require.Len(t, lines, 12)
	assert.Equal(t, "Conv2d output shape: \t torch.Size([1, 6, 28, 28])", string(lines[0]))
	assert.Equal(t, "AvgPool2d output shape: \t torch.Size([1, 16, 5, 5])", string(lines[5]))
	assert.Equal(t, "Flatten output shape: \t torch.Size([1, 400])", string(lines[6]))
	assert.Equal(t, "Linear output shape: \t torch.Size([1, 10])", string(lines[11]))
}

// TestInitXavier checks the Xavier-uniform bounds sqrt(6/(fanIn+fanOut)) and that the weights
// fill them (not just a constant).
func TestInitXavier(t *testing.T) {
	Seed(3)
	net := LeNet()
	InitXavier(net)
	bounds := map[string]float64{
		"0.weight": math.Sqrt(6.0 / (1*25 + 6*25)), "3.weight": math.Sqrt(6.0 / (6*25 + 16*25)),
		"7.weight": math.Sqrt(6.0 / (400 + 120)), "9.weight": math.Sqrt(6.0 / (120 + 84)), "11.weight": math.Sqrt(6.0 / (84 + 10)),
	}
	for _, p := range net.Parameters() {
		bound, ok := bounds[p.Name]
		if !ok {
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range values(p.Value) {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
		}
		assert.GreaterOrEqual(t, lo, -bound, p.Name)
		assert.LessOrEqual(t, hi, bound, p.Name)
		assert.Greater(t, hi-lo, bound, "%s: values should spread over [-%.3f, %.3f]", p.Name, bound, bound)
	}
}

// TestTrainBatchMatchesPyTorch runs one SGD step of LeNet (lr 0.9, mean cross-entropy) from
// the weights PyTorch started with, on the same batch, and compares the loss, the number of
// correct predictions and every updated weight with PyTorch's (testdata/lenet_step.json).
func TestTrainBatchMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/lenet_step.json")
	require.NoError(t, err)
	var ref struct {
		LR       float64              `json:"lr"`
		XShape   []int                `json:"x_shape"`
		X        []float32            `json:"x"`
		Y        []int32              `json:"y"`
		LossMean float64              `json:"loss_mean"`
		Correct  float64              `json:"correct"`
		Before   [][3]json.RawMessage `json:"before"`
		After    [][2]json.RawMessage `json:"after"`
	}
	require.NoError(t, json.Unmarshal(raw, &ref))
	net := LeNet()
	ps := net.Parameters()
	require.Len(t, ref.Before, len(ps))
	refs := net.paramRefs("test")
	for i := range ps {
		var name string
		var shape []int
		var vals []float32
		require.NoError(t, json.Unmarshal(ref.Before[i][0], &name))
		require.NoError(t, json.Unmarshal(ref.Before[i][1], &shape))
		require.NoError(t, json.Unmarshal(ref.Before[i][2], &vals))
		require.Equal(t, name, ps[i].Name)
		*refs[i] = tensors.FromFlatDataAndDimensions(vals, shape...)
	}
	X := tensors.FromFlatDataAndDimensions(ref.X, ref.XShape...)
	y := tensors.FromFlatDataAndDimensions(ref.Y, len(ref.Y))
	lossSum, correct := TrainBatch(net, X, y, ref.LR)
	assert.InDelta(t, ref.LossMean, lossSum/float64(len(ref.Y)), 1e-5)
	assert.Equal(t, ref.Correct, correct)
	for i, p := range net.Parameters() {
		var want []float64
		require.NoError(t, json.Unmarshal(ref.After[i][1], &want))
		got := values(p.Value)
		require.Len(t, got, len(want), p.Name)
		for k := range want {
			if !assert.InDelta(t, want[k], float64(got[k]), 2e-5, "%s[%d]", p.Name, k) {
				break
			}
		}
	}
}

// TestTrainCh6Smoke trains LeNet briefly on a few hundred Fashion-MNIST images and checks that
// the training loss falls and the printed lines have the book's form.
func TestTrainCh6Smoke(t *testing.T) {
	requireFashionMNIST(t)
	Seed(0)
	trainIter, testIter := LoadDataFashionMNIST(64, DataLimit(256))
	net := LeNet()
	var buf bytes.Buffer
	defer SetOutput(SetOutput(&buf))
	var log bytes.Buffer // not a terminal: one line per epoch, no progress bar
	res := TrainCh6(net, trainIter, testIter, 4, 0.9, TryGPU(), TrainOptions{Progress: &log})
	require.Len(t, res.History, 4)
	assert.NotContains(t, log.String(), "\r", "a log gets no bar frames")
	assert.NotContains(t, log.String(), "\x1b", "a log gets no terminal control sequences")
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	require.Len(t, lines, 4, "one line per epoch: %q", log.String())
	for i, l := range lines {
		assert.Regexp(t, fmt.Sprintf(`^epoch %d/4: loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3} \(\d+\.\d s\)$`, i+1), l)
	}
	first, last := res.History[0][0], res.History[3][0]
	t.Logf("history (train loss, train acc, test acc): %v", res.History)
	assert.Less(t, last, first, "training loss should fall: history %v", res.History)
	assert.Greater(t, res.ExamplesPerSec, 0.0)
	assert.Len(t, res.EpochSeconds, 4)
	out := buf.String()
	assert.Regexp(t, `^loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}\n\d+\.\d examples/sec on cpu\n$`, out)
	assert.Contains(t, out, fmt.Sprintf("loss %.3f, train acc %.3f, test acc %.3f", res.TrainLoss, res.TrainAcc, res.TestAcc))
}

// TestTrainCh6BadInput checks the one-line errors for bad arguments.
func TestTrainCh6BadInput(t *testing.T) {
	requireFashionMNIST(t)
	trainIter, testIter := LoadDataFashionMNIST(8, DataLimit(8))
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"nil net", func() { TrainCh6(nil, trainIter, testIter, 1, 0.9, TryGPU()) }, "d2l.TrainCh6: argument net: got nil, want a network (e.g. d2l.LeNet())"},
		{"epochs", func() { TrainCh6(LeNet(), trainIter, testIter, 0, 0.9, TryGPU()) }, "d2l.TrainCh6: argument numEpochs: got 0, want numEpochs >= 1"},
		{"lr", func() { TrainCh6(LeNet(), trainIter, testIter, 1, -1, TryGPU()) }, "d2l.TrainCh6: argument lr: got -1, want a learning rate > 0"},
		{"accumulator", func() { NewAccumulator(2).Add(1) }, "d2l.Accumulator.Add: argument vals: got 1 values, want 2 values"},
		{"linear input", func() { NewLinear(4, 2).Forward(Ones(3, 5)) }, "d2l.Linear.Forward: argument X: got shape [3 5], want shape [n, 4]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Try(c.f)
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
		})
	}
}

// TestAccumulatorTimer checks the book's small helpers.
func TestAccumulatorTimer(t *testing.T) {
	a := NewAccumulator(3)
	a.Add(1, 2, 3)
	a.Add(0.5, 0, 1)
	assert.Equal(t, []float64{1.5, 2, 4}, []float64{a.Get(0), a.Get(1), a.Get(2)})
	a.Reset()
	assert.Equal(t, 0.0, a.Get(2))
	tm := NewTimer()
	tm.Stop()
	tm.Start()
	tm.Stop()
	cs := tm.CumSum()
	require.Len(t, cs, 2)
	assert.InDelta(t, tm.Sum(), cs[1], 1e-12)
	assert.InDelta(t, tm.Sum()/2, tm.Avg(), 1e-12)
}

// TestAnimatorSVG checks that the plot records points (skipping NaN) and draws each series
// (a line, or a dot for a single point) with its legend entry.
func TestAnimatorSVG(t *testing.T) {
	a := NewAnimator("epoch", [2]float64{1, 3}, "train loss", "train acc", "test acc")
	a.Add(1, 2.3, 0.1, math.NaN())
	a.Add(2, 1.1, 0.5, 0.45)
	assert.Equal(t, []float64{1, 2}, a.X[0])
	assert.Equal(t, []float64{2}, a.X[2])
	svg := a.SVG()
	assert.Equal(t, 3, strings.Count(svg, `<g data-role="series">`))
	series := regexp.MustCompile(`(?s)<g data-role="series">.*?</g>`).FindAllString(svg, -1)
	require.Len(t, series, 3)
	assert.Equal(t, []int{2, 2, 1}, []int{strings.Count(series[0], "<polyline"), strings.Count(series[1], "<polyline"), strings.Count(series[2], "<polyline")},
		"a line and a legend line for the series of two points, only the legend line for the single point")
	assert.Equal(t, 1, strings.Count(svg, "<circle"), "the single point of test acc")
	for _, s := range []string{"train loss", "train acc", "test acc", ">epoch<"} {
		assert.Contains(t, svg, s)
	}
}

// zhName is the Chinese name of the Fashion-MNIST text label l.
func zhName(t *testing.T, l string) string {
	for i, name := range FashionMNISTLabels {
		if name == l {
			return FashionMNISTLabelsZh[i]
		}
	}
	t.Fatalf("%q is not a Fashion-MNIST label", l)
	return ""
}

// TestPredictCh6 checks the prediction grid's labels: the true ones follow the test file, the
// predicted ones are the argmax of the network's logits.
func TestPredictCh6(t *testing.T) {
	requireFashionMNIST(t)
	_, testIter := LoadDataFashionMNIST(16, DataLimit(16))
	net := LeNet()
	var buf bytes.Buffer
	defer SetOutput(SetOutput(&buf))
	trues, preds := PredictCh6(net, testIter, 6)
	require.Len(t, trues, 6)
	require.Len(t, preds, 6)
	assert.Equal(t, "ankle boot", trues[0])
	imgs := make([]*tensors.Tensor, 6)
	for i := range imgs {
		imgs[i], _ = testIter.Example(i)
	}
	assert.Equal(t, GetFashionMNISTLabels(Argmax(net.Forward(Stack(0, imgs...)))), preds)
	want := ""
	var wrong []string
	for i := range trues {
		if trues[i] != preds[i] {
			wrong = append(wrong, fmt.Sprintf("%s → %s", zhName(t, trues[i]), zhName(t, preds[i])))
		}
	}
	want = fmt.Sprintf("前 6 张测试图片认对了 %d 张\n", 6-len(wrong))
	if len(wrong) > 0 {
		want += "认错的图片（真实 → 预测）：" + strings.Join(wrong, "，") + "\n"
	}
	assert.Equal(t, want, buf.String())
	svg := ImagesFigure(imgs, 1, 6, []string{"a\nb"}, 2).SVG()
	assert.Equal(t, 6, strings.Count(svg, "<image "))
	assert.Contains(t, svg, ">a</text>")
	assert.Contains(t, svg, ">b</text>")
}

// TestTrainBatchChunks: TrainBatch computes a batch in trainChunks independent chains (3 for
// 200 examples on pure Go: 66, 67 and 67); the step must be the one of the whole batch's mean
// loss. Reference: the same step as the sum of one TrainBatch per chunk, each unsplit and with
// the learning rate scaled by its share of the batch, from the same weights:
// w' = w - lr·Σ(n_c/N)·g_c = Σ_c w'_c - (C-1)·w.
func TestTrainBatchChunks(t *testing.T) {
	assert.Equal(t, 1, trainChunks(Backend(), 8, true), "a small batch stays whole")
	assert.Equal(t, 1, trainChunks(Backend(), 256, false), "a program's own layer may mix examples")
	if isPureGo(Backend()) {
		assert.Equal(t, 3, trainChunks(Backend(), 200, true))
		assert.Equal(t, 4, trainChunks(Backend(), 256, true))
	}
	Seed(3)
	const N, lr = 200, 50.0 // a large rate: updates well above float32 rounding
	X := Randn(N, 1, 28, 28)
	labels := make([]int32, N)
	for i := range labels {
		labels[i] = int32(i*7) % 10
	}
	y := tensors.FromValue(labels)
	start := LeNet()
	var w0 [][]float32
	var shapes [][]int
	for _, p := range start.Parameters() {
		w0 = append(w0, values(p.Value))
		shapes = append(shapes, p.Value.Shape().Dimensions)
	}
	withStart := func() *Sequential {
		net := LeNet()
		for i, r := range net.paramRefs("test") {
			*r = tensors.FromFlatDataAndDimensions(slices.Clone(w0[i]), shapes[i]...)
		}
		return net
	}
	whole := withStart()
	lossSum, correct := TrainBatch(whole, X, y, lr)

	xs, ys := values(X), labels
	const chunks, per = 3, 28 * 28
	want := make([][]float64, len(w0))
	for i := range want {
		want[i] = make([]float64, len(w0[i]))
		for k, v := range w0[i] {
			want[i][k] = -float64(chunks-1) * float64(v)
		}
	}
	var wantLoss, wantCorrect float64
	for c := range chunks {
		lo, hi := c*N/chunks, (c+1)*N/chunks
		net := withStart()
		Xc := tensors.FromFlatDataAndDimensions(slices.Clone(xs[lo*per:hi*per]), hi-lo, 1, 28, 28)
		yc := tensors.FromValue(slices.Clone(ys[lo:hi]))
		l, k := TrainBatch(net, Xc, yc, lr*float64(hi-lo)/N)
		wantLoss += l
		wantCorrect += k
		for i, p := range net.Parameters() {
			for k, v := range values(p.Value) {
				want[i][k] += float64(v)
			}
		}
	}
	assert.InDelta(t, wantLoss, lossSum, 1e-3)
	assert.Equal(t, wantCorrect, correct)
	// The updates w' - w are small (sigmoids at initialisation): compare them, relative to the
	// largest update of each parameter.
	for i, p := range whole.Parameters() {
		got := values(p.Value)
		scale := 0.0
		for k := range got {
			scale = max(scale, math.Abs(want[i][k]-float64(w0[i][k])))
		}
		require.Greater(t, scale, 1e-4, "%s: the step changes the weights", p.Name)
		for k := range got {
			d := (float64(got[k]) - float64(w0[i][k])) - (want[i][k] - float64(w0[i][k]))
			if !assert.LessOrEqual(t, math.Abs(d), 1e-2*scale, "%s[%d]: update %v, want %v", p.Name, k,
				float64(got[k])-float64(w0[i][k]), want[i][k]-float64(w0[i][k])) {
				break
			}
		}
	}
}

// batchCentre is a program's own layer that mixes the examples of a batch: it subtracts the
// batch's mean, [n, f] -> [n, f].
type batchCentre struct{}

func (batchCentre) Forward(X *tensors.Tensor) *tensors.Tensor { return Apply(batchCentre{}, X) }
func (batchCentre) Params() []Param                           { return nil }
func (batchCentre) Check([]int) error                         { return nil }
func (batchCentre) Build(x *graph.Node, _ []*graph.Node) *graph.Node {
	return graph.Sub(x, graph.ReduceAndKeep(x, graph.ReduceMean, 0))
}
func (batchCentre) String() string { return "BatchCentre()" }

// TestTrainBatchWholeWithOwnLayers: a network with a layer of the program's own is trained on
// the whole batch at once, since its layer may mix examples (batchCentre does): the loss
// TrainBatch reports is the one of Forward on the whole batch.
func TestTrainBatchWholeWithOwnLayers(t *testing.T) {
	Seed(5)
	const N = 256
	net := NewSequential(NewFlatten(), NewLinear(12, 10), batchCentre{})
	InitXavier(net)
	X := Randn(N, 3, 4)
	labels := make([]int32, N)
	for i := range labels {
		labels[i] = int32(i*3) % 10
	}
	logits := values(net.Forward(X))
	want := 0.0
	for i, y := range labels {
		row := logits[i*10 : (i+1)*10]
		m := slices.Max(row)
		sum := 0.0
		for _, v := range row {
			sum += math.Exp(float64(v - m))
		}
		want += math.Log(sum) - float64(row[y]-m)
	}
	got, _ := TrainBatch(net, X, tensors.FromValue(labels), 0.1)
	assert.InDelta(t, want, got, 1e-3*N)
}

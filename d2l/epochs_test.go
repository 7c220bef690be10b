package d2l

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEpochsFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		want      int
		panics    bool
	}{
		{"unset", "", 0, false},
		{"set", "2", 2, false},
		{"not a number", "two", 0, true},
		{"zero", "0", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EpochsEnv, tc.env)
			if tc.panics {
				err := Try(func() { epochsFromEnv("d2l.TrainCh6") })
				assert.ErrorContains(t, err, "d2l.TrainCh6: argument $D2L_EPOCHS: got")
				return
			}
			assert.Equal(t, tc.want, epochsFromEnv("d2l.TrainCh6"))
		})
	}
}

// TestTrainCh6EpochsEnv: $D2L_EPOCHS makes TrainCh6 train fewer epochs than asked (never more),
// and the result says how many were planned.
func TestTrainCh6EpochsEnv(t *testing.T) {
	requireFashionMNIST(t)
	trainIter, testIter := LoadDataFashionMNIST(64, DataLimit(128))
	defer SetOutput(SetOutput(&bytes.Buffer{}))
	t.Setenv(EpochsEnv, "1")
	res := TrainCh6(LeNet(), trainIter, testIter, 3, 0.9, TryGPU(), TrainOptions{Progress: &bytes.Buffer{}})
	assert.Len(t, res.History, 1)
	assert.Equal(t, 1, res.NumEpochs)
	assert.Equal(t, fmt.Sprintf("训练了 1 轮, 测试精度 %.3f", res.TestAcc), res.String())
	t.Setenv(EpochsEnv, "5")
	res = TrainCh6(LeNet(), trainIter, testIter, 1, 0.9, TryGPU(), TrainOptions{Progress: &bytes.Buffer{}})
	assert.Len(t, res.History, 1, "never more epochs than asked")
}

// TestTrainCh6Stopped: a cancelled context stops training between batches; the result says
// where, keeps the last complete epoch's test accuracy, and the stopped epoch is not evaluated.
func TestTrainCh6Stopped(t *testing.T) {
	requireFashionMNIST(t)
	trainIter, testIter := LoadDataFashionMNIST(64, DataLimit(256)) // 4 batches an epoch
	var out bytes.Buffer
	defer SetOutput(SetOutput(&out))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := TrainCh6(LeNet(), trainIter, testIter, 3, 0.9, TryGPU(), TrainOptions{Progress: &bytes.Buffer{}, Context: ctx})
	require.True(t, res.Stopped)
	assert.Empty(t, res.History)
	assert.True(t, math.IsNaN(res.TestAcc))
	assert.Equal(t, [4]int{1, 0, 3, 4}, [4]int{res.StoppedEpoch, res.StoppedBatch, res.NumEpochs, res.NumBatches})
	assert.Equal(t, "第 1/3 轮训练了 0/4 个批量时停止, 还没有完整训练一轮", res.String())
	assert.Contains(t, out.String(), "stopped in epoch 1/3 after 0 of 4 batches\n")
	assert.Contains(t, out.String(), "no batch trained: no loss or accuracy\n")
	assert.NotContains(t, out.String(), "NaN")

	res = TrainResult{Stopped: true, NumEpochs: 10, NumBatches: 235, StoppedEpoch: 3, StoppedBatch: 120,
		History: [][3]float64{{1, 0.2, 0.3}, {0.8, 0.5, 0.612}}, TestAcc: 0.612}
	assert.Equal(t, "第 3/10 轮训练了 120/235 个批量时停止, 完整训练了 2 轮, 测试精度 0.612", res.String())
}

// TestSummaryLine: the last line of TrainCh6 never prints a NaN for a value it did not compute.
func TestSummaryLine(t *testing.T) {
	for _, tc := range []struct {
		name              string
		testAcc           float64
		trained, notebook bool
		want              string
	}{
		{"epochs done", 0.779, true, false, "loss 0.469, train acc 0.823, test acc 0.779"},
		{"stopped in epoch 1", math.NaN(), true, false, "loss 0.469, train acc 0.823, test acc not computed (stopped in the first epoch)"},
		{"stopped in epoch 1, notebook", math.NaN(), true, true, "loss 0.469, train acc 0.823, test acc 未计算（第一轮没有训练完）"},
		{"nothing trained", math.NaN(), false, false, "no batch trained: no loss or accuracy"},
		{"nothing trained, notebook", math.NaN(), false, true, "还没有训练任何批量：没有损失和精度"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, summaryLine(0.469, 0.823, tc.testAcc, tc.trained, tc.notebook))
		})
	}
}

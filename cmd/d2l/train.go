package main

import (
	"context"
	"fmt"
	"os"

	"github.com/d2l-go/d2l-go/d2l"
	_ "github.com/d2l-go/d2l-go/d2l/termbar" // a progress bar per epoch on a terminal
)

// The train command: LeNet on Fashion-MNIST from a terminal (section 6.6), the full run.
//
//	go run ./cmd/d2l train lenet                       # the book's run: 10 epochs, batch 256, lr 0.9
//	go run ./cmd/d2l train lenet --epochs 1 --limit 2000
//	GOMLX_BACKEND=go go run ./cmd/d2l train lenet      # force pure Go (default: ONNX Runtime when installed)
func init() {
	register(&Command{
		Name:    "train",
		Summary: "train LeNet on Fashion-MNIST (6.6) and print the book's summary lines",
		Usage:   "[--epochs 10] [--batch 256] [--lr 0.9] [--limit N] [--seed 0] lenet",
		Run:     runTrain,
	})
}

// runTrain parses the flags, loads Fashion-MNIST and runs d2l.TrainCh6 on d2l.LeNet().
func runTrain(ctx context.Context, args []string) error {
	c := commands["train"]
	fs := flags(c, os.Stderr)
	epochs := fs.Int("epochs", 10, "number of passes over the training set")
	batch := fs.Int("batch", 256, "minibatch size")
	lr := fs.Float64("lr", 0.9, "learning rate of SGD")
	limit := fs.Int("limit", 0, "use only the first N training and N test examples (0: all)")
	seed := fs.Int64("seed", 0, "seed of the weight initialisation and of the shuffling")
	// Accept the model name before or after the flags.
	model := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		model, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if model == "" && fs.NArg() > 0 {
		model = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %v", errUsage, fs.Args())
	}
	if model != "lenet" {
		return fmt.Errorf("%w: want the model name lenet, got %q", errUsage, model)
	}
	if *epochs < 1 || *batch < 1 || !(*lr > 0) || *limit < 0 {
		return fmt.Errorf("%w: want --epochs >= 1, --batch >= 1, --lr > 0, --limit >= 0; got %d, %d, %v, %d",
			errUsage, *epochs, *batch, *lr, *limit)
	}
	d2l.Seed(*seed)
	trainIter, testIter, err := d2l.ReadFashionMNIST(*batch, d2l.DataLimit(*limit), d2l.DataSeed(uint64(*seed)))
	if err != nil {
		return err
	}
	var res d2l.TrainResult
	err = d2l.Try(func() {
		net := d2l.LeNet()
		fmt.Fprintf(os.Stderr, "LeNet (%d parameters) on %d training / %d test images, backend %s\n",
			net.NumParams(), trainIter.NumExamples(), testIter.NumExamples(), d2l.BackendName())
		// Ctrl-C (ctx) stops training after the batch that runs; the figures so far are printed.
		res = d2l.TrainCh6(net, trainIter, testIter, *epochs, *lr, d2l.TryGPU(), d2l.TrainOptions{Context: ctx})
	})
	if err == nil && res.Stopped {
		return ctx.Err()
	}
	return err
}

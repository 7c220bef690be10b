// Package sec66 holds the exercises of section 6.6 (卷积神经网络 LeNet): LeNet
// variants built with the book API (d2l.NewSequential and its layers) and the
// activations of each layer. Variants are scored on their layers, output
// shape, parameter count and a short seeded training run (the loss must fall),
// never on final accuracy.
package sec66

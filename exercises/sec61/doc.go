// Package sec61 holds the exercises of section 6.1 (从全连接层到卷积, from fully
// connected layers to convolutions): a 1-D convolution layer for audio and the
// commutativity of the mathematical convolution.
package sec61

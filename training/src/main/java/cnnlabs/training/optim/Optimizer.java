package cnnlabs.training.optim;

import cnnlabs.settings.Setting;
import cnnlabs.settings.SettingsParser;

/**
 * Which optimiser trains the model, with the momentum and weight decay of the SGD family.
 *
 * @param kind        Adam (Keras' epsilon 1e-7), SGD with momentum or Nesterov momentum as PyTorch's {@code SGD}, or
 *                    AdamW
 * @param momentum    SGD's and Nesterov's momentum (PyTorch's {@code momentum})
 * @param weightDecay PyTorch's {@code weight_decay}: added to the gradient as {@code weightDecay * w} for Adam, SGD
 *                    and Nesterov (coupled L2), applied to the weights as {@code w -= lr * weightDecay * w} for AdamW
 *                    (decoupled); on every trainable parameter, as PyTorch applies it
 * @param clipNorm    clip the gradient's global L2 norm to this (PyTorch's {@code clip_grad_norm_}, Lightning's
 *                    {@code gradient_clip_val}, Keras' {@code global_clipnorm}); 0 = off
 * @param clipValue   clip every gradient element to [-clipValue, clipValue] (Keras' {@code clipvalue}, PyTorch's
 *                    {@code clip_grad_value_}); 0 = off
 */
public record Optimizer(
        @Setting(key = "optimizer", help = "adam (Keras' Adam), sgd (momentum), nesterov, or adamw",
                example = "sgd") Kind kind,
        @Setting(key = "momentum", help = "momentum of sgd and nesterov (PyTorch's momentum)", example = "0.9")
        double momentum,
        @Setting(key = "weight.decay", help = "PyTorch's weight_decay: coupled L2 for adam/sgd/nesterov, decoupled "
                + "for adamw; 0 = none", example = "0.0005") double weightDecay,
        @Setting(key = "grad.clip.norm", help = "clip the gradient's global L2 norm to this before each step (PyTorch's "
                + "clip_grad_norm_); 0 = off", example = "1") double clipNorm,
        @Setting(key = "grad.clip.value", help = "clip every gradient element to [-v, v] before each step (Keras' "
                + "clipvalue); 0 = off", example = "0.5") double clipValue) {

    /** The optimisers the seeds use. */
    public enum Kind {
        ADAM, SGD, NESTEROV, ADAMW
    }

    /** Keras' Adam, as the labs compile their models. */
    public static final Optimizer KERAS_ADAM = new Optimizer(Kind.ADAM, 0.9, 0);

    /** Without gradient clipping. */
    public Optimizer(Kind kind, double momentum, double weightDecay) {
        this(kind, momentum, weightDecay, 0, 0);
    }

    public Optimizer {
        SettingsParser.require(kind != null, "optimizer", kind, "adam, sgd, nesterov or adamw", "sgd");
        SettingsParser.require(momentum >= 0 && momentum < 1, "momentum", momentum, "a number in [0, 1)", "0.9");
        SettingsParser.require(weightDecay >= 0 && weightDecay < 1, "weight.decay", weightDecay, "a number in [0, 1)",
                "0.0005");
        SettingsParser.require(clipNorm >= 0, "grad.clip.norm", clipNorm, "a norm >= 0 (0 = off)", "1");
        SettingsParser.require(clipValue >= 0, "grad.clip.value", clipValue, "a value >= 0 (0 = off)", "0.5");
    }
}

package cnnlabs.architectures;

import java.util.List;

/**
 * Seed 000's {@code build_cnn} configuration dictionary as a record: one conv stage per width, its kernel size,
 * whether conv blocks have batch norm, whether stages after the first add a residual block.
 */
public record CnnConfig(List<Integer> channels, List<Integer> kernelSizes, boolean batchNorm, boolean residual,
                        int numClasses) {

    public CnnConfig {
        if (channels == null || channels.isEmpty()) {
            throw new IllegalArgumentException("channels must name at least one stage width");
        }
        if (kernelSizes == null || kernelSizes.size() != channels.size()) {
            throw new IllegalArgumentException("kernelSizes needs one kernel size per stage (" + channels.size() + "), got "
                    + kernelSizes);
        }
        if (channels.stream().anyMatch(c -> c == null || c < 1)) {
            throw new IllegalArgumentException("channel widths must be positive, got " + channels);
        }
        if (kernelSizes.stream().anyMatch(k -> k == null || k < 1 || k % 2 == 0)) {
            throw new IllegalArgumentException("kernel sizes must be odd and positive (padding k/2 keeps the size), got "
                    + kernelSizes);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        channels = List.copyOf(channels);
        kernelSizes = List.copyOf(kernelSizes);
    }
}

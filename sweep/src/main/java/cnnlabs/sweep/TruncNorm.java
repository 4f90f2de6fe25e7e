package cnnlabs.sweep;

/**
 * The truncated normal distribution as TPE needs it: its log density, the log of a normal's mass between two points,
 * and draws by inverting its CDF. A port of Optuna's {@code optuna/samplers/_tpe/_truncnorm.py} (itself from SciPy),
 * computed in the left tail where the right one would lose precision, with {@code erf} and {@code erfc} from fdlibm
 * ({@code s_erf.c}, the coefficients Optuna's {@code _erf.py} also uses): Java has neither.
 *
 * <p>Bounds {@code a} and {@code b} are in standard units, {@code (bound - loc) / scale}, as SciPy's.
 */
final class TruncNorm {

    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double NDTRI_EXP_APPROX = Math.sqrt(3) / Math.PI;
    private static final double SQRT2 = Math.sqrt(2);

    private TruncNorm() {
    }

    /** Log density at {@code x} of a normal ({@code loc}, {@code scale}) truncated to [a, b] (standard units). */
    static double logPdf(double x, double a, double b, double loc, double scale) {
        double z = (x - loc) / scale;
        if (z < a || z > b) {
            return Double.NEGATIVE_INFINITY;
        }
        return -z * z / 2 - LOG_SQRT_2PI - logGaussMass(a, b) - Math.log(scale);
    }

    /** A draw of a normal ({@code loc}, {@code scale}) truncated to [a, b], at quantile {@code q} in [0, 1). */
    static double quantile(double q, double a, double b, double loc, double scale) {
        return ppf(q, a, b) * scale + loc;
    }

    /** The standard normal's inverse CDF within [a, b]: c with Phi(c) = Phi(a) + q (Phi(b) - Phi(a)). */
    static double ppf(double q, double a, double b) {
        if (q == 0) {
            return a;
        }
        if (q == 1) {
            return b;
        }
        double logMass = logGaussMass(a, b);
        double x = a < 0
                ? ndtriExp(logAddExp(logNdtr(a), Math.log(q) + logMass))
                : -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + logMass));
        return Math.min(b, Math.max(a, x));
    }

    /** log(Phi(b) - Phi(a)), the log of a standard normal's mass in [a, b]. */
    static double logGaussMass(double a, double b) {
        if (b <= 0) {
            return logDiff(logNdtr(b), logNdtr(a));
        }
        if (a > 0) {
            return logDiff(logNdtr(-a), logNdtr(-b));
        }
        return Math.log1p(-ndtr(a) - ndtr(-b)); // central: no cancellation as the mass nears 1
    }

    /** The standard normal CDF. */
    static double ndtr(double a) {
        double x = a / SQRT2;
        if (x < -1 / SQRT2) {
            return 0.5 * erfc(-x);
        }
        if (x < 1 / SQRT2) {
            return 0.5 + 0.5 * erf(x);
        }
        return 1.0 - 0.5 * erfc(x);
    }

    /** log Phi(a), with the asymptotic series far in the left tail. */
    static double logNdtr(double a) {
        if (a > 6) {
            return -ndtr(-a);
        }
        if (a > -20) {
            return Math.log(ndtr(a));
        }
        double logLhs = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
        double last = 0;
        double rhs = 1;
        double numerator = 1;
        double denomFactor = 1;
        double denomCons = 1 / (a * a);
        int sign = 1;
        for (int i = 1; Math.abs(last - rhs) > Math.ulp(1.0) && i < 200; i++) {
            last = rhs;
            sign = -sign;
            denomFactor *= denomCons;
            numerator *= 2 * i - 1;
            rhs += sign * numerator * denomFactor;
        }
        return logLhs + Math.log(rhs);
    }

    /** x with log Phi(x) = y (y <= 0), by Newton's method from Optuna's starting guesses. */
    static double ndtriExp(double y) {
        boolean flipped = y > -1e-2; // near 0: solve log Phi(-x) = log(1 - e^y) instead, then flip
        double z = flipped ? Math.log(-Math.expm1(y)) : y;
        double x = z < -5 ? -Math.sqrt(-2.0 * (z + LOG_SQRT_2PI)) : -NDTRI_EXP_APPROX * Math.log(Math.expm1(-z));
        for (int i = 0; i < 100; i++) {
            double logNdtrX = logNdtr(x);
            double logPdfX = -0.5 * x * x - LOG_SQRT_2PI;
            double dx = (logNdtrX - z) * Math.exp(logNdtrX - logPdfX);
            x -= dx;
            if (Math.abs(dx) < 1e-8 * Math.abs(x)) {
                break;
            }
        }
        return flipped ? -x : x;
    }

    static double logAddExp(double p, double q) {
        if (p == Double.NEGATIVE_INFINITY) {
            return q;
        }
        if (q == Double.NEGATIVE_INFINITY) {
            return p;
        }
        double max = Math.max(p, q);
        return max + Math.log1p(Math.exp(-Math.abs(p - q)));
    }

    private static double logDiff(double logP, double logQ) {
        return logP + Math.log1p(-Math.exp(logQ - logP));
    }

    // fdlibm s_erf.c (Sun Microsystems, 1993): erf and erfc to within 1 ulp.
    private static final double ERX = 8.45062911510467529297e-01;
    private static final double EFX = 1.28379167095512586316e-01;
    private static final double[] PP = {1.28379167095512558561e-01, -3.25042107247001499370e-01,
        -2.84817495755985104766e-02, -5.77027029648944159157e-03, -2.37630166566501626084e-05};
    private static final double[] QQ = {1, 3.97917223959155352819e-01, 6.50222499887672944485e-02,
        5.08130628187576562776e-03, 1.32494738004321644526e-04, -3.96022827877536812320e-06};
    private static final double[] PA = {-2.36211856075265944077e-03, 4.14856118683748331666e-01,
        -3.72207876035701323847e-01, 3.18346619901161753674e-01, -1.10894694282396677476e-01,
        3.54783043256182359371e-02, -2.16637559486879084300e-03};
    private static final double[] QA = {1, 1.06420880400844228286e-01, 5.40397917702171048937e-01,
        7.18286544141962662868e-02, 1.26171219808761642112e-01, 1.36370839120290507362e-02,
        1.19844998467991074170e-02};
    private static final double[] RA = {-9.86494403484714822705e-03, -6.93858572707181764372e-01,
        -1.05586262253232909814e01, -6.23753324503260060396e01, -1.62396669462573470355e02,
        -1.84605092906711035994e02, -8.12874355063065934246e01, -9.81432934416914548592e00};
    private static final double[] SA = {1, 1.96512716674392571292e01, 1.37657754143519042600e02,
        4.34565877475229228821e02, 6.45387271733267880336e02, 4.29008140027567833386e02,
        1.08635005541779435134e02, 6.57024977031928170135e00, -6.04244152148580987438e-02};
    private static final double[] RB = {-9.86494292470009928597e-03, -7.99283237680523006574e-01,
        -1.77579549177547519889e01, -1.60636384855821916062e02, -6.37566443368389627722e02,
        -1.02509513161107724954e03, -4.83519191608651397019e02};
    private static final double[] SB = {1, 3.03380607434824582924e01, 3.25792512996573918826e02,
        1.53672958608443695994e03, 3.19985821950859553908e03, 2.55305040643316442583e03,
        4.74528541206955367215e02, -2.24409524465858183362e01};

    private static double poly(double[] c, double x) {
        double r = 0;
        for (int i = c.length - 1; i >= 0; i--) {
            r = r * x + c[i];
        }
        return r;
    }

    /** erfc(|x|) * |x| for 1.25 <= |x| < 28: fdlibm's exp(-x^2 - 0.5625 + R/S) with x split for precision. */
    private static double tail(double ax) {
        double s = 1 / (ax * ax);
        double rs = ax < 1 / 0.35 ? poly(RA, s) / poly(SA, s) : poly(RB, s) / poly(SB, s);
        double z = Double.longBitsToDouble(Double.doubleToRawLongBits(ax) & 0xffffffff00000000L);
        return Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + rs);
    }

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 0.84375) {
            if (ax < 0x1p-28) {
                return x + EFX * x;
            }
            double z = x * x;
            return x + x * (poly(PP, z) / poly(QQ, z));
        }
        double v;
        if (ax < 1.25) {
            double s = ax - 1;
            v = ERX + poly(PA, s) / poly(QA, s);
        } else if (ax >= 6) {
            v = 1;
        } else {
            v = 1 - tail(ax) / ax;
        }
        return x >= 0 ? v : -v;
    }

    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 0.84375) {
            if (ax < 0x1p-56) {
                return 1 - x;
            }
            double z = x * x;
            double y = poly(PP, z) / poly(QQ, z);
            if (x < 0.25) {
                return 1 - (x + x * y);
            }
            return 0.5 - (x * y + (x - 0.5));
        }
        if (ax < 1.25) {
            double s = ax - 1;
            double pq = poly(PA, s) / poly(QA, s);
            return x >= 0 ? (1 - ERX) - pq : 1 + (ERX + pq);
        }
        if (ax < 28) {
            if (x < -6) {
                return 2;
            }
            double r = tail(ax) / ax;
            return x > 0 ? r : 2 - r;
        }
        return x > 0 ? 0 : 2;
    }
}

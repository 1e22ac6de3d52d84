import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The summary's statistics against values computed by hand (closed forms of Student's t for 1 and 2
 * degrees of freedom) or from published tables (t quantiles), each written next to its derivation.
 */
@Tag("unit")
class MetaStatsTest {

    static final double EPS = 1e-9;

    // ---- descriptive statistics ----

    @Test void meanMedianSampleStddevAndCv() {
        double[] x = {1000, 1010, 990, 1005, 995};
        assertEquals(1000.0, metaorchestrator.Stats.mean(x), EPS);
        assertEquals(1000.0, metaorchestrator.Stats.median(x), EPS);
        // squared deviations 0+100+100+25+25 = 250; / (n-1) = 62.5; sqrt = 7.905694150420948
        assertEquals(62.5, metaorchestrator.Stats.variance(x), EPS);
        assertEquals(Math.sqrt(62.5), metaorchestrator.Stats.stddev(x), EPS);
        assertEquals(Math.sqrt(62.5) / 1000 * 100, metaorchestrator.Stats.cvPercent(x), EPS);   // 0.7906 %
        assertEquals(2.5, metaorchestrator.Stats.median(new double[] {4, 1, 3, 2}), EPS);     // mean of the middle two
    }

    // ---- outliers: Iglewicz and Hoaglin's modified Z-score, its scale guarded ----

    @Test void modifiedZScoreFlagsTheFarTrial() {
        // median 103; |deviations| 3, 0, 27 → MAD 3 (above the floor 1 % of 103 = 1.03); M = 0.6745·(x − 103)/3
        double[] z = metaorchestrator.Stats.modifiedZ(new double[] {100, 103, 130});
        assertEquals(-0.6745, z[0], EPS);
        assertEquals(0.0, z[1], EPS);
        assertEquals(0.6745 * 9, z[2], EPS);   // 6.0705 > 3.5: an outlier
        assertTrue(Math.abs(z[2]) > metaorchestrator.Summary.OUTLIER_THRESHOLD);
        assertTrue(Math.abs(z[0]) < metaorchestrator.Summary.OUTLIER_THRESHOLD);
    }

    @Test void modifiedZScoreWithZeroMadUsesTheMeanAbsoluteDeviation() {
        // median 5, MAD 0 (four equal values); MeanAD = 4/5 = 0.8; M(9) = 4 / (1.253314 · 0.8) = 3.98942
        double[] z = metaorchestrator.Stats.modifiedZ(new double[] {5, 5, 5, 5, 9});
        assertEquals(4 / (1.253314 * 0.8), z[4], EPS);
        assertEquals(0.0, z[0], EPS);
        // all equal: nobody is an outlier
        assertArrayEquals(new double[] {0, 0, 0}, metaorchestrator.Stats.modifiedZ(new double[] {7, 7, 7}), EPS);
    }

    @Test void tightDataDoesNotFlagOrdinaryTrials() {
        // median 1000, MAD 0.1: unguarded, 1010 would score 0.6745·10/0.1 = 67.45 (the issue saw 51 to 83).
        // The MAD is floored at 1 % of the median (10): M(1010) = 0.6745·10/10 = 0.6745, an ordinary trial.
        double[] tight = {1000, 1000.1, 999.9, 1000, 1010};
        double[] z = metaorchestrator.Stats.modifiedZ(tight);
        assertEquals(0.6745, z[4], EPS);
        for (double v : z) assertTrue(Math.abs(v) < metaorchestrator.Summary.OUTLIER_THRESHOLD);
        // a trial far from the rest still is one: 1060 → 0.6745·60/10 = 4.047
        assertEquals(0.6745 * 6, metaorchestrator.Stats.modifiedZ(new double[] {1000, 1000.1, 999.9, 1000, 1060})[4], EPS);
    }

    // ---- Student's t ----

    @Test void tDistributionMatchesClosedForms() {
        // ν = 1 (Cauchy): F(t) = 1/2 + atan(t)/π
        for (double t : new double[] {-3, -1, 0, 0.5, 1, 4}) {
            assertEquals(0.5 + Math.atan(t) / Math.PI, metaorchestrator.StudentT.cdf(t, 1), 1e-12, "t=" + t);
        }
        // ν = 2: F(t) = 1/2 + t / (2·sqrt(2 + t²)); two-sided p = 1 − |t|/sqrt(2 + t²)
        for (double t : new double[] {-5, -1.2, 0.3, 2, 9}) {
            assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), metaorchestrator.StudentT.cdf(t, 2), 1e-12, "t=" + t);
            assertEquals(1 - Math.abs(t) / Math.sqrt(2 + t * t), metaorchestrator.StudentT.twoSidedP(t, 2), 1e-12);
        }
        assertEquals(0.18350341907227397, metaorchestrator.StudentT.twoSidedP(2, 2), 1e-12);   // 1 − 2/√6
        // ν = 2 quantile: t = (2q − 1) / sqrt(2q(1 − q)); q = 0.995 → 0.99 / sqrt(0.00995) = 9.924843200918
        assertEquals(0.99 / Math.sqrt(2 * 0.995 * 0.005), metaorchestrator.StudentT.quantile(0.995, 2), 1e-9);
    }

    @Test void tQuantilesMatchTheTables() {
        // two-sided 99% critical values (any t table): ν = 4: 4.604, ν = 10: 3.169, ν = 30: 2.750
        assertEquals(4.604094871349992, metaorchestrator.StudentT.quantile(0.995, 4), 1e-9);
        assertEquals(3.169272672616950, metaorchestrator.StudentT.quantile(0.995, 10), 1e-9);
        assertEquals(2.749995653567225, metaorchestrator.StudentT.quantile(0.995, 30), 1e-9);
        // 95% with ν = 10: 2.228139; its two-sided p is 0.05
        assertEquals(0.05, metaorchestrator.StudentT.twoSidedP(2.228139, 10), 1e-7);
        // fractional ν (Welch): 97.5% quantile at ν = 2.5 is 3.574655
        assertEquals(3.5746548420036817, metaorchestrator.StudentT.quantile(0.975, 2.5), 1e-9);
        // large ν approaches the normal: z(0.995) = 2.5758
        assertEquals(2.5758, metaorchestrator.StudentT.quantile(0.995, 1e7), 1e-4);
        assertEquals(-metaorchestrator.StudentT.quantile(0.9, 7), metaorchestrator.StudentT.quantile(0.1, 7), 1e-12);
    }

    @Test void normalQuantile() {
        assertEquals(2.5758293035489004, metaorchestrator.StudentT.z(0.995), 1e-12);   // scipy.stats.norm.ppf(0.995)
        assertEquals(0.8416212335729143, metaorchestrator.StudentT.z(0.8), 1e-12);     // scipy.stats.norm.ppf(0.8)
    }

    // ---- Welch's t-test on log throughput: the ratio of geometric means and its interval ----
    // Reference values: SciPy 1.17 (/tmp is not kept, so the computation is written here):
    //   la, lb = np.log(a), np.log(b); stats.ttest_ind(la, lb, equal_var=False)  → t, p
    //   va, vb = la.var(ddof=1)/len(a), lb.var(ddof=1)/len(b); se = sqrt(va + vb)
    //   df = (va+vb)²/(va²/(na−1) + vb²/(nb−1)); tc = stats.t.ppf(0.995, df); CI = exp(d ± tc·se)
    //   mde = expm1((tc + stats.t.ppf(0.8, df))·se)

    @Test void welchOnLogsMatchesScipy() {
        metaorchestrator.Welch w = metaorchestrator.Welch.onLogs(new double[] {10, 12, 14}, new double[] {20, 21, 22}, 0.01);
        assertEquals(-0.5682493640794748, w.logRatio(), 1e-12);
        assertEquals(0.10106262374514291, w.se(), 1e-12);
        assertEquals(2.3182243771215654, w.df(), 1e-9);
        assertEquals(-5.622745017114054, w.t(), 1e-9);
        assertEquals(0.021429894339088162, w.pValue(), 1e-9);
        assertEquals(7.916026007287334, w.tCritical(), 1e-7);
        assertEquals(0.5665163349427049, w.ratio(), 1e-12);
        assertEquals(0.254548543118572, w.ciLow(), 1e-8);
        assertEquals(1.2608233927601646, w.ciHigh(), 1e-8);
        assertEquals(1.468634901134768, w.minDetectableEffect(0.8), 1e-7);
        // the interval is symmetric on a log axis around the ratio
        assertEquals(Math.log(w.ratio()) - Math.log(w.ciLow()), Math.log(w.ciHigh()) - Math.log(w.ratio()), 1e-12);
        assertEquals(w.ciHigh() / w.ratio() - 1, w.relativeHalfWidth(), 1e-12);
    }

    @Test void welchOnLogsEdgeCases() {
        assertNull(metaorchestrator.Welch.onLogs(new double[] {1}, new double[] {1, 2}, 0.01), "needs two trials each");
        assertNull(metaorchestrator.Welch.onLogs(new double[] {0, 1}, new double[] {1, 2}, 0.01), "no log of 0");
        metaorchestrator.Welch same = metaorchestrator.Welch.onLogs(new double[] {5, 5}, new double[] {5, 5}, 0.01);
        assertEquals(1.0, same.pValue());
        assertEquals(1.0, same.ciLow());
        assertEquals(1.0, same.ciHigh());
        metaorchestrator.Welch steady = metaorchestrator.Welch.onLogs(new double[] {6, 6}, new double[] {5, 5}, 0.01);
        assertEquals(0.0, steady.pValue());
        assertEquals(1.2, steady.ciLow(), 1e-12);   // a certain difference: the interval is the point
    }

    // ---- comparisons: verdicts, detectable effect, trials needed ----

    static final metaorchestrator.Criteria CRITERIA = metaorchestrator.Criteria.defaults(0.01);

    static metaorchestrator.Comparison compare(double[] x, double[] base) {
        return metaorchestrator.Comparison.of(x, base, CRITERIA);
    }

    static final double[] DEBIAN_256 = {1000, 1010, 990, 1005, 995};

    @Test void slowerWhenTheIntervalExcludesOne() {
        metaorchestrator.Comparison c = compare(new double[] {800, 820, 810, 790}, DEBIAN_256);
        assertEquals(metaorchestrator.Verdict.SLOWER, c.verdict());
        assertEquals(0.804942475875889, c.ratio(), 1e-12);     // SciPy, as above
        assertEquals(0.7739206413563594, c.ciLow(), 1e-8);
        assertEquals(0.8372077895915161, c.ciHigh(), 1e-8);
        assertEquals(0.04865819130123629, c.minDetectableEffect(), 1e-7);
        assertNull(c.reason());
    }

    @Test void sameWhenTheIntervalLiesWithinTheSmallestEffect() {
        metaorchestrator.Comparison c = compare(new double[] {1000, 1002, 998}, DEBIAN_256);
        assertEquals(metaorchestrator.Verdict.SAME, c.verdict());   // [0.9848, 1.0155] ⊂ [0.95, 1.05]
        assertEquals(0.9847986528839914, c.ciLow(), 1e-8);
        assertEquals(1.0154840622952017, c.ciHigh(), 1e-8);
        // with a smallest effect of 1 % the same data cannot say "the same"
        metaorchestrator.Comparison strict = metaorchestrator.Comparison.of(new double[] {1000, 1002, 998}, DEBIAN_256,
                new metaorchestrator.Criteria(0.01, 0.01, 0.05, null, null));
        assertEquals(metaorchestrator.Verdict.INCONCLUSIVE, strict.verdict());
    }

    @Test void inconclusiveSaysWhyAndWhatWouldResolveIt() {
        // node 512 against a baseline with an outlier: ratio 0.847, 99 % CI [0.650, 1.104], MDE 37.6 %
        metaorchestrator.Comparison c = compare(new double[] {1600, 1610, 1590}, new double[] {2000, 2010, 1990, 2005, 1500});
        assertEquals(metaorchestrator.Verdict.INCONCLUSIVE, c.verdict());
        assertEquals(0.6499811353467532, c.ciLow(), 1e-8);
        assertEquals(1.1036058578345482, c.ciHigh(), 1e-8);
        assertEquals(0.3757967334529429, c.minDetectableEffect(), 1e-7);
        // trials for the observed 15.3 % (above min_effect 5 %): the smallest n with
        // (t(.995, ν) + t(.8, ν))·√((s²a + s²b)/n) ≤ ln(1.153), ν = (n−1)(s²a + s²b)²/(s⁴a + s⁴b) (Welch at n each).
        // SciPy: la, lb = np.log(a), np.log(b); S = la.var(ddof=1) + lb.var(ddof=1); scan n = 2, 3, … → 13
        assertEquals(0.1530507757541618, c.trialsNeededFor(), 1e-9);
        assertEquals(13, c.trialsNeeded());
        assertEquals("noise (CV 12 %) hides differences under 38 %; about 13 trials per environment would resolve 15 %",
                c.reason());
    }

    @Test void trialsNeededMatchesTheReferenceExample() {
        // ratio-statistics.md: σ = 0.15, r = 0.10, α = 0.01, power 0.8: n ≈ 2·(2.576 + 0.842)²·0.0225/0.00908 ≈ 58
        // with normal quantiles (57.85); with t at ν = 2n − 2 (equal variances), the smallest n is 60 (SciPy scan, as above).
        assertEquals(60, metaorchestrator.Comparison.trialsPerEnvironment(0.15 * 0.15, 0.15 * 0.15, 0.10, 0.01));
        // more trials are never fewer: the count grows as the effect shrinks
        assertTrue(metaorchestrator.Comparison.trialsPerEnvironment(0.0225, 0.0225, 0.05, 0.01) > 60);
        assertEquals(2, metaorchestrator.Comparison.trialsPerEnvironment(0, 0, 0.05, 0.01));
    }

    @Test void aHundredAndEightyFoldGapIsSlowerHoweverNoisy() {
        // The case: 0.0055× native with noisy trials was called "no significant difference" (CI [-2.08, 2.09]).
        double[] wasmedge = {5.1, 6.4, 5.2}, nativeNoisy = {700, 1000, 1300};   // CVs 13 % and 30 %
        metaorchestrator.Comparison c = compare(wasmedge, nativeNoisy);
        assertEquals(metaorchestrator.Verdict.SLOWER, c.verdict());
        assertTrue(c.ciLow() > 0 && c.ciHigh() < 0.05, c.ciLow() + " " + c.ciHigh());
    }

    @Test void notEnoughTrialsHasNoInterval() {
        metaorchestrator.Comparison c = compare(new double[] {800}, DEBIAN_256);
        assertEquals(metaorchestrator.Verdict.NOT_ENOUGH_DATA, c.verdict());
        assertTrue(Double.isNaN(c.ciLow()));
        assertEquals(800 / Math.exp(java.util.Arrays.stream(DEBIAN_256).map(Math::log).average().orElseThrow()), c.ratio(), 1e-12);
    }

    /** Property: for positive data the interval is positive and contains the point estimate, whatever the noise. */
    @Test void intervalIsPositiveAndContainsTheRatioForAnyPositiveData() {
        java.util.Random random = new java.util.Random(20261201);
        for (int i = 0; i < 5000; i++) {
            int na = 2 + random.nextInt(8), nb = 2 + random.nextInt(8);
            double scaleA = Math.pow(10, random.nextDouble() * 6 - 3), scaleB = Math.pow(10, random.nextDouble() * 6 - 3);
            double cvA = random.nextDouble() * 2, cvB = random.nextDouble() * 2;
            double[] a = new double[na], b = new double[nb];
            for (int k = 0; k < na; k++) a[k] = scaleA * Math.exp(cvA * random.nextGaussian());
            for (int k = 0; k < nb; k++) b[k] = scaleB * Math.exp(cvB * random.nextGaussian());
            double alpha = random.nextBoolean() ? 0.01 : 0.05;
            metaorchestrator.Comparison c = metaorchestrator.Comparison.of(a, b,
                    new metaorchestrator.Criteria(alpha, 0.05, 0.05, null, null));
            String what = java.util.Arrays.toString(a) + " vs " + java.util.Arrays.toString(b);
            assertTrue(c.ciLow() > 0, what);
            assertTrue(c.ciLow() <= c.ratio() * (1 + 1e-12) && c.ratio() <= c.ciHigh() * (1 + 1e-12), what);
            assertTrue(c.minDetectableEffect() >= 0, what);
            switch (c.verdict()) {
                case SLOWER -> assertTrue(c.ciHigh() < 1, what);
                case FASTER -> assertTrue(c.ciLow() > 1, what);
                case SAME -> assertTrue(c.ciLow() >= 0.95 && c.ciHigh() <= 1.05, what);
                case INCONCLUSIVE -> assertTrue(c.ciLow() <= 1 && c.ciHigh() >= 1 && c.trialsNeeded() >= 2, what);
                default -> fail(c.verdict() + ": " + what);
            }
        }
    }

    // ---- the headline's words ----

    @Test void changesInPlainWords() {
        assertEquals("26 % slower", metaorchestrator.Headline.change(0.74));
        assertEquals("12 % faster", metaorchestrator.Headline.change(1.12));
        assertEquals("180 times slower", metaorchestrator.Headline.change(0.0055));   // 1/0.0055 = 181.8, two digits
        assertEquals("3 times faster", metaorchestrator.Headline.change(3.0));
        assertEquals("15–36 % slower", metaorchestrator.Headline.changeRange(0.64, 0.85));
        assertEquals("150–220 times slower", metaorchestrator.Headline.changeRange(1 / 220.0, 1 / 150.0));
        assertEquals("4.5–19 % faster", metaorchestrator.Headline.changeRange(1.045, 1.19));
        assertEquals("13.7–14.3 times slower", metaorchestrator.Headline.changeRange(0.0700, 0.0729));   // not "14–14"
        assertEquals("0.74×", metaorchestrator.Display.times(0.74));
        assertEquals("0.0055×", metaorchestrator.Display.times(0.0055));
        assertEquals("1.00×", metaorchestrator.Display.times(1.0));
    }
}

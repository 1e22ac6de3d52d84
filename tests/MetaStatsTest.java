import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The summary's statistics against values computed by hand (closed forms of Student's t for 1 and 2
 * degrees of freedom) or from published tables (t quantiles), each written next to its derivation.
 */
@org.junit.jupiter.api.Tag("unit")
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

    // ---- outliers: Iglewicz and Hoaglin's modified Z-score ----

    @Test void modifiedZScoreFlagsTheFarTrial() {
        // median 101; |deviations| 1, 0, 9 → MAD 1; M = 0.6745·(x − 101)/1
        double[] z = metaorchestrator.Stats.modifiedZ(new double[] {100, 101, 110});
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

    @Test void logGammaIsAccurate() {
        assertEquals(Math.log(Math.sqrt(Math.PI)), metaorchestrator.StudentT.logGamma(0.5), 1e-13);   // Γ(½) = √π
        assertEquals(Math.log(362880), metaorchestrator.StudentT.logGamma(10), 1e-12);                // Γ(10) = 9!
    }

    // ---- Welch's t-test ----

    @Test void welchWithUnequalVariances() {
        // a: mean 12, s² 4; b: mean 21, s² 1; n = 3 each.
        // se² = 4/3 + 1/3 = 5/3; t = −9/√(5/3) = −6.971370023
        // ν = (5/3)² / ((4/3)²/2 + (1/3)²/2) = (25/9) / (17/18) = 50/17 = 2.941176
        metaorchestrator.Welch w = metaorchestrator.Welch.test(new double[] {10, 12, 14}, new double[] {20, 21, 22}, 0.01);
        assertEquals(-9.0, w.meanDifference(), EPS);
        assertEquals(-9 / Math.sqrt(5.0 / 3), w.t(), 1e-12);
        assertEquals(50.0 / 17, w.df(), 1e-12);
        assertEquals(0.0064575892026726344, w.pValue(), 1e-10);   // SciPy ttest_ind(equal_var=False)
        assertEquals(7.692062258648225, w.halfWidth(), 1e-8);       // t(0.995, 50/17) · √(5/3)
        assertEquals(metaorchestrator.Verdict.SLOWER, w.verdict());  // p < 0.01: the 99% CI excludes 0
    }

    @Test void welchWithOneSteadySideHasClosedFormP() {
        // b has no spread: ν = n_a − 1 = 2, se = √(4/3), t = −8/√(4/3) = −6.92820323
        // p = 1 − |t|/√(2 + t²) = 1 − 6.92820323/√50 = 0.020204103
        double[] a = {10, 12, 14}, b = {20, 20, 20};
        metaorchestrator.Welch w99 = metaorchestrator.Welch.test(a, b, 0.01);
        assertEquals(2.0, w99.df(), 1e-12);
        assertEquals(-8 / Math.sqrt(4.0 / 3), w99.t(), 1e-12);
        assertEquals(1 - (8 / Math.sqrt(4.0 / 3)) / Math.sqrt(50), w99.pValue(), 1e-12);
        // the verdict depends on α: three states, not two
        assertEquals(metaorchestrator.Verdict.NO_SIGNIFICANT_DIFFERENCE, w99.verdict());
        assertEquals(0.99 / Math.sqrt(2 * 0.995 * 0.005) * Math.sqrt(4.0 / 3), w99.halfWidth(), 1e-9);   // 11.4602
        metaorchestrator.Welch w95 = metaorchestrator.Welch.test(a, b, 0.05);
        assertEquals(metaorchestrator.Verdict.SLOWER, w95.verdict());
        assertEquals(0.95 / Math.sqrt(2 * 0.975 * 0.025) * Math.sqrt(4.0 / 3), w95.halfWidth(), 1e-9);   // 4.9683
    }

    @Test void welchEdgeCases() {
        assertNull(metaorchestrator.Welch.test(new double[] {1}, new double[] {1, 2}, 0.01), "needs two trials each");
        metaorchestrator.Welch same = metaorchestrator.Welch.test(new double[] {5, 5}, new double[] {5, 5}, 0.01);
        assertEquals(1.0, same.pValue());
        assertEquals(metaorchestrator.Verdict.NO_SIGNIFICANT_DIFFERENCE, same.verdict());
        metaorchestrator.Welch steady = metaorchestrator.Welch.test(new double[] {6, 6}, new double[] {5, 5}, 0.01);
        assertEquals(0.0, steady.pValue());
        assertEquals(metaorchestrator.Verdict.FASTER, steady.verdict());
    }

    // ---- the ratio to the baseline ----

    @Test void ratioUncertaintyIsPropagatedLikeHyperfine() {
        // r = 12/21; u = r·√((2/12)² + (1/21)²) = 0.571429 · 0.173335 = 0.0990485
        double u = metaorchestrator.Stats.ratioUncertainty(12, 2, 21, 1);
        assertEquals(12.0 / 21 * Math.sqrt(Math.pow(2.0 / 12, 2) + Math.pow(1.0 / 21, 2)), u, 1e-12);
        assertEquals(0.0990485, u, 1e-6);
    }
}

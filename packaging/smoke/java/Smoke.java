import java.util.List;
import org.tiaokuai.Finding;
import org.tiaokuai.TiaokuaiModel;

/**
 * Smoke test of the JAR (packaging/dist.sh): run with only the JAR and JNA on the class
 * path and no jna.library.path, JNA extracts libtiaokuai.so from the JAR's linux-x86-64/.
 */
public final class Smoke {
    public static void main(String[] args) {
        if (System.getProperty("jna.library.path") != null) {
            throw new IllegalStateException("jna.library.path is set: the smoke test needs it unset");
        }
        try (TiaokuaiModel model = TiaokuaiModel.sample()) {
            List<Finding> findings = model.audit();
            if (findings.isEmpty()) {
                throw new IllegalStateException("the sample audit found nothing");
            }
            System.out.println("tiaokuai " + TiaokuaiModel.version() + " from the JAR: " + findings.size()
                    + " findings on the sample");
        }
    }
}

///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
public class metaorchestrator {
    public static void main(String[] args) { System.out.println("metaorchestrator: not yet implemented"); }
}

///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
public class single_env_bench {
    public static void main(String[] args) { System.out.println("single_env_bench: not yet implemented"); }
}

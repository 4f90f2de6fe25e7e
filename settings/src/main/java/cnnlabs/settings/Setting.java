package cnnlabs.settings;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a settings record's component as a {@code -D} setting: its key, one line of help and an example value. A
 * component that is itself a settings record and carries no {@code Setting} is composed: its settings are the
 * outer record's too ({@link SettingsParser}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Setting {

    /** The property's name: {@code -Dkey=value}. */
    String key();

    /** One line for {@code -Dhelp}. */
    String help();

    /** A valid value, shown in help and in error messages. */
    String example();
}

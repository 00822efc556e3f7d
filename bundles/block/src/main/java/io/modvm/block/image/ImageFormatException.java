package io.modvm.block.image;

import java.io.IOException;

/** An image file is malformed or uses a feature this implementation refuses; the message is one line for the user. */
public final class ImageFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageFormatException(String message) {
        super(message);
    }
}

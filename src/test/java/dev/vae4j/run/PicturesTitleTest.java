package dev.vae4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Chart titles name the data, not the machine's folders. */
class PicturesTitleTest {
  @Test
  void chartTitlesNameTheDataWithoutTheMachinesPaths() {
    assertEquals("fashion-mnist/t10k-images-idx3-ubyte.gz",
        Pictures.titleName("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"));
    assertEquals("Latent means of data/x.csv (test)", "Latent means of " + Pictures.titleName("/home/me/data/x.csv (test)"));
    assertEquals("bundled digits (test)", Pictures.titleName("bundled digits (test)"));
  }
}

/** A chosen photo is a temporary file WeChat may delete once the app closes; one waiting for the network is kept. */
export function keepFile(tempFilePath: string): Promise<string> {
  return new Promise((resolve) => {
    wx.getFileSystemManager().saveFile({
      tempFilePath,
      success: (res) => resolve(res.savedFilePath),
      fail: () => resolve(tempFilePath),
    });
  });
}

/** Kept files are removed once the server has them: the phone's space for kept files is small. */
export function forgetFiles(paths: string[]): void {
  const files = wx.getFileSystemManager();
  for (const filePath of paths) files.removeSavedFile({ filePath, fail: () => undefined });
}
